#include "engine/nn/dnnl_conv.h"

#include <cstring>
#include <new>
#include <string>
#include <unordered_map>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>

#include "engine/core/assert.h"
#include "engine/core/sgemm.h"

namespace studio {

namespace {

using dnnl::memory;
using Tag = memory::format_tag;
using Type = memory::data_type;

// A tensor as we keep it (user layout) and as a primitive wants it (inner), with the reorder
// between them when they differ.
struct Port {
    memory user, inner;
    dnnl::reorder toInner, toUser;
    bool same = true;

    void init(const dnnl::engine& e, const memory::desc& userMd, const memory::desc& innerMd) {
        user = memory(userMd, e, DNNL_MEMORY_NONE);
        same = userMd == innerMd;
        if (same) {
            inner = user;
        } else {
            inner = memory(innerMd, e);
            toInner = dnnl::reorder(user, inner);
            toUser = dnnl::reorder(inner, user);
        }
    }
    // Input: points `user` at data and returns the memory the primitive reads.
    memory& in(dnnl::stream& s, const float* data) {
        user.set_data_handle(const_cast<float*>(data));
        if (!same) toInner.execute(s, user, inner);
        return inner;
    }
    // Output: the memory the primitive writes; call out() after it ran.
    memory& target(float* data) {
        user.set_data_handle(data);
        return inner;
    }
    void out(dnnl::stream& s) {
        if (!same) toUser.execute(s, inner, user);
    }
};

bool isReference(const std::string& impl) {
    return impl.rfind("ref", 0) == 0;
}

void rethrow(const dnnl::error& e) {
    if (e.status == dnnl_out_of_memory) throw std::bad_alloc();
    STUDIO_ASSERT(false, (std::string("oneDNN convolution failed: ") + e.what()).c_str());
}

}  // namespace

struct DnnlConv::Impl {
    ConvGeometry geom;
    int filters = 0;
    bool bias = false;
    dnnl::engine eng{dnnl::engine::kind::cpu, 0};
    dnnl::stream strm{eng};
    memory::dims src, weights, dst, strides, padL, padR;
    dnnl::primitive_attr attr;

    dnnl::convolution_forward::primitive_desc fwdPd;
    dnnl::convolution_forward fwd;
    Port fSrc, fW, fDst;
    memory fBias, fScratch;
    std::string kernel;

    bool bwdReady = false, bwdDataReady = false;
    dnnl::convolution_backward_weights::primitive_desc bwPd;
    dnnl::convolution_backward_weights bw;
    Port wSrc, wDy, wDw;
    memory wDb, wScratch;
    std::vector<float> dwTemp, dbTemp;

    dnnl::convolution_backward_data::primitive_desc bdPd;
    dnnl::convolution_backward_data bd;
    Port dDy, dW, dDx;
    memory dScratch;

    memory::desc md(const memory::dims& d, Tag tag) const { return {d, Type::f32, tag}; }
    memory::desc anyMd(const memory::dims& d) const { return {d, Type::f32, Tag::any}; }

    void buildBackward() {
        const memory::desc biasMd = bias ? md({filters}, Tag::x) : memory::desc();
        dnnl::convolution_backward_weights::desc d(dnnl::algorithm::convolution_direct, anyMd(src), anyMd(weights),
                                                   biasMd, anyMd(dst), strides, padL, padR);
        bwPd = dnnl::convolution_backward_weights::primitive_desc(d, attr, eng, fwdPd);
        bw = dnnl::convolution_backward_weights(bwPd);
        wSrc.init(eng, md(src, Tag::nchw), bwPd.src_desc());
        wDy.init(eng, md(dst, Tag::nchw), bwPd.diff_dst_desc());
        dwTemp.assign(static_cast<std::size_t>(filters) * geom.rows(), 0.0f);
        wDw.init(eng, md(weights, Tag::oihw), bwPd.diff_weights_desc());
        if (bias) {
            dbTemp.assign(static_cast<std::size_t>(filters), 0.0f);
            wDb = memory(md({filters}, Tag::x), eng, dbTemp.data());
        }
        wScratch = memory(bwPd.scratchpad_desc(), eng);
        bwdReady = true;
    }

    void buildBackwardData() {
        dnnl::convolution_backward_data::desc d(dnnl::algorithm::convolution_direct, anyMd(src), anyMd(weights),
                                                anyMd(dst), strides, padL, padR);
        bdPd = dnnl::convolution_backward_data::primitive_desc(d, attr, eng, fwdPd);
        bd = dnnl::convolution_backward_data(bdPd);
        dDy.init(eng, md(dst, Tag::nchw), bdPd.diff_dst_desc());
        dW.init(eng, md(weights, Tag::oihw), bdPd.weights_desc());
        dDx.init(eng, md(src, Tag::nchw), bdPd.diff_src_desc());
        dScratch = memory(bdPd.scratchpad_desc(), eng);
        bwdDataReady = true;
    }
};

DnnlConv::DnnlConv(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
DnnlConv::~DnnlConv() = default;

std::unique_ptr<DnnlConv> DnnlConv::create(const ConvGeometry& g, int filters, bool bias, int samples) {
    // Creating memory zero-pads it in an OpenMP loop: without this, the first plan a thread made
    // started a team of every core, whose threads then spun and took a core from the GUI.
    useOneOpenMpThreadHere();
    try {
        auto p = std::make_unique<Impl>();
        p->geom = g;
        p->filters = filters;
        p->bias = bias;
        const int k = g.kernel, s = g.stride, pad = g.padding;
        p->src = {samples, g.channels, g.height, g.width};
        p->weights = {filters, g.channels, k, k};
        p->dst = {samples, filters, g.outHeight, g.outWidth};
        p->strides = {s, s};
        p->padL = {pad, pad};
        // Right/bottom padding that makes oneDNN's output size ours: (H + pl + pr − K)/S + 1 = OH.
        p->padR = {(g.outHeight - 1) * s + k - g.height - pad, (g.outWidth - 1) * s + k - g.width - pad};
        p->attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
        const memory::desc biasMd = bias ? p->md({filters}, Tag::x) : memory::desc();
        dnnl::convolution_forward::desc d(dnnl::prop_kind::forward_training, dnnl::algorithm::convolution_direct,
                                          p->anyMd(p->src), p->anyMd(p->weights), biasMd, p->anyMd(p->dst),
                                          p->strides, p->padL, p->padR);
        p->fwdPd = dnnl::convolution_forward::primitive_desc(d, p->attr, p->eng);
        p->kernel = p->fwdPd.impl_info_str();
        if (isReference(p->kernel)) return nullptr;
        p->fwd = dnnl::convolution_forward(p->fwdPd);
        p->fSrc.init(p->eng, p->md(p->src, Tag::nchw), p->fwdPd.src_desc());
        p->fW.init(p->eng, p->md(p->weights, Tag::oihw), p->fwdPd.weights_desc());
        p->fDst.init(p->eng, p->md(p->dst, Tag::nchw), p->fwdPd.dst_desc());
        if (bias) p->fBias = memory(p->md({filters}, Tag::x), p->eng, DNNL_MEMORY_NONE);
        p->fScratch = memory(p->fwdPd.scratchpad_desc(), p->eng);
        return std::unique_ptr<DnnlConv>(new DnnlConv(std::move(p)));
    } catch (const dnnl::error&) {
        return nullptr;  // no kernel for this shape here: the im2col path serves it
    }
}

const char* DnnlConv::kernelName() const {
    return m_impl->kernel.c_str();
}

void DnnlConv::forward(const float* x, const float* w, const float* b, float* y) {
    useOneOpenMpThreadHere();
    Impl& p = *m_impl;
    try {
        std::unordered_map<int, memory> args{{DNNL_ARG_SRC, p.fSrc.in(p.strm, x)},
                                             {DNNL_ARG_WEIGHTS, p.fW.in(p.strm, w)},
                                             {DNNL_ARG_DST, p.fDst.target(y)},
                                             {DNNL_ARG_SCRATCHPAD, p.fScratch}};
        if (p.bias) {
            p.fBias.set_data_handle(const_cast<float*>(b));
            args.insert({DNNL_ARG_BIAS, p.fBias});
        }
        p.fwd.execute(p.strm, args);
        p.fDst.out(p.strm);
        p.strm.wait();
    } catch (const dnnl::error& e) {
        rethrow(e);
    }
}

void DnnlConv::backward(const float* x, const float* w, const float* dy, float* dx, float* dW, float* db) {
    useOneOpenMpThreadHere();
    Impl& p = *m_impl;
    try {
        if (!p.bwdReady) p.buildBackward();
        std::unordered_map<int, memory> args{{DNNL_ARG_SRC, p.wSrc.in(p.strm, x)},
                                             {DNNL_ARG_DIFF_DST, p.wDy.in(p.strm, dy)},
                                             {DNNL_ARG_DIFF_WEIGHTS, p.wDw.target(p.dwTemp.data())},
                                             {DNNL_ARG_SCRATCHPAD, p.wScratch}};
        if (p.bias) args.insert({DNNL_ARG_DIFF_BIAS, p.wDb});
        p.bw.execute(p.strm, args);
        p.wDw.out(p.strm);
        if (dx) {
            if (!p.bwdDataReady) p.buildBackwardData();
            // The weights-gradient pass already reordered dy when both want the same layout.
            const bool shareDy = !p.wDy.same && p.bdPd.diff_dst_desc() == p.bwPd.diff_dst_desc();
            memory& dyMem = shareDy ? p.wDy.inner : p.dDy.in(p.strm, dy);
            p.bd.execute(p.strm, {{DNNL_ARG_DIFF_DST, dyMem},
                                  {DNNL_ARG_WEIGHTS, p.dW.in(p.strm, w)},
                                  {DNNL_ARG_DIFF_SRC, p.dDx.target(dx)},
                                  {DNNL_ARG_SCRATCHPAD, p.dScratch}});
            p.dDx.out(p.strm);
        }
        p.strm.wait();
    } catch (const dnnl::error& e) {
        rethrow(e);
    }
    // The gradients accumulate (a shard's backward adds to what is there), in a fixed order.
    for (std::size_t i = 0; i < p.dwTemp.size(); ++i) dW[i] += p.dwTemp[i];
    if (p.bias)
        for (std::size_t i = 0; i < p.dbTemp.size(); ++i) db[i] += p.dbTemp[i];
}

}  // namespace studio
