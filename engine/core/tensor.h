#pragma once
// Tensor: float32, row-major, NCHW for images, 64-byte aligned storage.
// Dimension 0 is always the batch (N). A per-sample shape is a Shape without N.

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <new>
#include <string>
#include <vector>

#include "engine/core/assert.h"

namespace studio {

template <typename T, std::size_t Align>
struct AlignedAllocator {
    using value_type = T;
    AlignedAllocator() noexcept = default;
    template <typename U>
    AlignedAllocator(const AlignedAllocator<U, Align>&) noexcept {}
    template <typename U>
    struct rebind { using other = AlignedAllocator<U, Align>; };
    T* allocate(std::size_t n) {
        return static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t(Align)));
    }
    void deallocate(T* p, std::size_t) noexcept { ::operator delete(p, std::align_val_t(Align)); }
    friend bool operator==(const AlignedAllocator&, const AlignedAllocator&) { return true; }
};

using FloatBuffer = std::vector<float, AlignedAllocator<float, 64>>;

/// A shape: up to a handful of dimensions, e.g. {N, C, H, W} or per-sample {C, H, W}.
using Shape = std::vector<int>;

std::size_t shapeSize(const Shape& shape);
std::string shapeToString(const Shape& shape);  // "1×28×28"

class Tensor {
public:
    Tensor() = default;
    explicit Tensor(Shape shape);  // zero-filled
    Tensor(Shape shape, float value);
    /// A shape and a size but no storage (data() is null): what validation needs to count a
    /// layer's weights without allocating them. Never read or write its elements.
    static Tensor shapeOnly(Shape shape);

    /// Changes the shape; keeps the allocation when it is large enough. Contents are
    /// unspecified afterwards (callers that accumulate must zero()).
    void resize(const Shape& shape);

    const Shape& shape() const { return m_shape; }
    int rank() const { return static_cast<int>(m_shape.size()); }
    int dim(int i) const {
        STUDIO_ASSERT(i >= 0 && i < rank(), "Tensor::dim out of range");
        return m_shape[static_cast<std::size_t>(i)];
    }
    std::size_t size() const { return m_size; }
    bool empty() const { return m_size == 0; }
    /// Elements per sample: the product of every dimension but the first.
    std::size_t sampleSize() const { return m_shape.empty() || m_shape[0] == 0 ? 0 : m_size / static_cast<std::size_t>(m_shape[0]); }

    float* data() { return m_data.data(); }
    const float* data() const { return m_data.data(); }
    float* sample(int n) { return data() + static_cast<std::size_t>(n) * sampleSize(); }
    const float* sample(int n) const { return data() + static_cast<std::size_t>(n) * sampleSize(); }
    float& operator[](std::size_t i) { return m_data[i]; }
    float operator[](std::size_t i) const { return m_data[i]; }

    void fill(float value);
    void zero() { fill(0.0f); }
    /// this += other (same size). Fixed order: element by element.
    void add(const Tensor& other);

private:
    Shape m_shape;
    std::size_t m_size = 0;
    FloatBuffer m_data;
};

}  // namespace studio
