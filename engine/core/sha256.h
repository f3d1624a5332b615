#pragma once
// SHA-256 (FIPS 180-4), our own so the engine needs no crypto library. Used for the
// `weights_sha256` fingerprint of a model's parameters (model_file.h).
//   Sha256 h; h.update(bytes, n); ...; std::string hex = h.hexDigest();

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace studio {

class Sha256 {
public:
    Sha256();
    void update(const void* data, std::size_t size);
    /// Finishes the hash; the object must not be updated afterwards.
    std::array<std::uint8_t, 32> digest();
    /// 64 lowercase hex digits.
    std::string hexDigest();

    static std::string hex(const void* data, std::size_t size);

private:
    void compress(const std::uint8_t* block);

    std::array<std::uint32_t, 8> m_state;
    std::array<std::uint8_t, 64> m_buffer{};
    std::size_t m_buffered = 0;
    std::uint64_t m_length = 0;  // bytes hashed so far
    bool m_finished = false;
};

}  // namespace studio
