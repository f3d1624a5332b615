#pragma once
// im2col / col2im: the data movement that turns a convolution into one matrix product.
//
//   x:(S, C, H, W)  →  cols:(C·K·K, S·OH·OW) row-major
//   cols[(c·K + ki)·K + kj][s·OH·OW + oh·OW + ow] = x[s][c][oh·stride + ki − pad][ow·stride + kj − pad]
//   (0 outside the image: zero padding)
//
// Then for a group of S samples:  Y:(F, S·OH·OW) = W:(F, C·K·K) · cols
// col2im is the exact adjoint: dx[s][c][ih][iw] += Σ of the dcols entries that im2col copied from there.

namespace studio {

struct ConvGeometry {
    int channels = 1, height = 1, width = 1;   // input C, H, W
    int kernel = 1, stride = 1, padding = 0;
    int outHeight = 1, outWidth = 1;

    static ConvGeometry make(int c, int h, int w, int kernel, int stride, int padding) {
        ConvGeometry g{c, h, w, kernel, stride, padding, 0, 0};
        g.outHeight = (h + 2 * padding - kernel) / stride + 1;
        g.outWidth = (w + 2 * padding - kernel) / stride + 1;
        return g;
    }
    int rows() const { return channels * kernel * kernel; }   // C·K·K
    int outPixels() const { return outHeight * outWidth; }     // OH·OW
    int inPixels() const { return height * width; }
};

/// x: `samples` consecutive (C,H,W) images → cols:(C·K·K, samples·OH·OW), overwritten.
void im2col(const float* x, int samples, const ConvGeometry& g, float* cols);

/// cols:(C·K·K, samples·OH·OW) → dx: `samples` (C,H,W) images, accumulated (+=). Callers zero dx first.
/// cols is scratch: the entries that correspond to zero padding are overwritten with 0.
void col2im(float* cols, int samples, const ConvGeometry& g, float* dx);

}  // namespace studio
