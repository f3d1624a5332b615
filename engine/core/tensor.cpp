#include "engine/core/tensor.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace studio {

namespace detail {
void assertFailed(const char* expression, const char* message, const char* file, int line) {
    std::fprintf(stderr, "Internal error (a bug in Training Studio): %s [%s] at %s:%d\n", message, expression,
                 file, line);
    std::abort();
}
}  // namespace detail

std::size_t shapeSize(const Shape& shape) {
    std::size_t n = 1;
    for (int d : shape) {
        STUDIO_ASSERT(d >= 0, "negative dimension");
        n *= static_cast<std::size_t>(d);
    }
    return shape.empty() ? 0 : n;
}

std::string shapeToString(const Shape& shape) {
    std::string s;
    for (std::size_t i = 0; i < shape.size(); ++i) {
        if (i) s += "×";
        s += std::to_string(shape[i]);
    }
    return s;
}

Tensor::Tensor(Shape shape) : Tensor(std::move(shape), 0.0f) {}

Tensor::Tensor(Shape shape, float value) : m_shape(std::move(shape)), m_size(shapeSize(m_shape)) {
    m_data.assign(m_size, value);
}

Tensor Tensor::shapeOnly(Shape shape) {
    Tensor t;
    t.m_size = shapeSize(shape);
    t.m_shape = std::move(shape);
    return t;
}

void Tensor::resize(const Shape& shape) {
    m_shape = shape;
    m_size = shapeSize(shape);
    if (m_data.size() < m_size) m_data.resize(m_size);
}

void Tensor::fill(float value) { std::fill(m_data.begin(), m_data.begin() + static_cast<std::ptrdiff_t>(m_size), value); }

void Tensor::add(const Tensor& other) {
    STUDIO_ASSERT(other.m_size == m_size, "Tensor::add size mismatch");
    float* a = data();
    const float* b = other.data();
    for (std::size_t i = 0; i < m_size; ++i) a[i] += b[i];
}

}  // namespace studio
