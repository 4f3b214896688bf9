// Batch-1 decoding's row kernels: projections (core/src/model/row_gemv.h) and attention (row_attention.h). bf16: one
// row times a bfloat16 matrix with AVX512-BF16, against the same products summed in float32 by LibTorch and rounded to
// bfloat16. fp32: one row times a float32 matrix with AVX2 + FMA, against the exact (float64) sums, within the error
// bound of float32 summation, and against LibTorch's float32 matrix-vector product. Both: rows shared with a partner
// thread give the same bits; inputs a kernel cannot take are refused untouched. Attention: one query row over image and
// text keys against float64 softmax and context, image probabilities added up.
#include "model/row_attention.h"
#include "model/row_gemv.h"

#include <QtTest/QtTest>

#include <torch/torch.h>

#include <initializer_list>

using captioner::detail::bf16Gemv;
using captioner::detail::bf16GemvSupported;
using captioner::detail::fp32Gemv;
using captioner::detail::fp32GemvSupported;
using captioner::detail::rowAttention;
using captioner::detail::RowGemvPartner;

namespace {

torch::Tensor randomBf16(at::IntArrayRef shape, double scale) {
    return (torch::randn(shape) * scale).to(torch::kBFloat16);
}

// float32 sums of the bf16 values (LibTorch's, in its own order), rounded to bf16 as the kernel rounds.
torch::Tensor reference(const torch::Tensor& w, const torch::Tensor& x, const torch::Tensor& bias) {
    auto y = torch::mv(w.to(torch::kFloat32), x.reshape({-1}).to(torch::kFloat32));
    if (bias.defined()) y = y + bias.to(torch::kFloat32);
    return y.to(torch::kBFloat16);
}

struct Shape {
    int rows, in;
    bool bias;
};

// Data rows "ROWSxIN[ no bias][ with partner]" for each shape, alone and with a partner thread.
void addShapes(std::initializer_list<Shape> shapes) {
    QTest::addColumn<int>("rows");
    QTest::addColumn<int>("in");
    QTest::addColumn<bool>("bias");
    QTest::addColumn<bool>("partner");
    for (bool partner : {false, true})
        for (const Shape& s : shapes)
            QTest::newRow(qPrintable(QString("%1x%2%3%4")
                                         .arg(s.rows)
                                         .arg(s.in)
                                         .arg(s.bias ? "" : " no bias")
                                         .arg(partner ? " with partner" : "")))
                << s.rows << s.in << s.bias << partner;
}

// bf16 values one unit in the last place apart, or closer: the two sums differ in order only.
int64_t ulpDistance(const torch::Tensor& a, const torch::Tensor& b) {
    auto ia = a.view(torch::kShort).to(torch::kInt), ib = b.view(torch::kShort).to(torch::kInt);
    return (ia - ib).abs().max().item<int64_t>();
}

} // namespace

class TestRowGemv : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        torch::set_num_threads(1);
        torch::manual_seed(3);
    }

    void matchesFloatSums_data() {
        // in: whole 128-element blocks (git-base's 768, 3072), 32-blocks with and without a masked tail.
        addShapes(
            {{1, 32, true}, {5, 100, true}, {130, 200, false}, {768, 768, true}, {300, 3072, true}, {257, 7, true}});
    }
    void matchesFloatSums() {
        if (!bf16GemvSupported())
            QSKIP("this CPU has no AVX512-BF16: the bf16 kernel is not used here (LibTorch's path is)");
        QFETCH(int, rows);
        QFETCH(int, in);
        QFETCH(bool, bias);
        QFETCH(bool, partner);
        const auto w = randomBf16({rows, in}, 0.05), x = randomBf16({1, in}, 1.0);
        const torch::Tensor b = bias ? randomBf16({rows}, 0.1) : torch::Tensor();
        auto out = torch::full({1, rows}, 7.0, torch::kBFloat16);
        std::unique_ptr<RowGemvPartner> helper;
        if (partner) helper = std::make_unique<RowGemvPartner>();
        QVERIFY(bf16Gemv(w, x, b, out));
        const auto expected = reference(w, x, b);
        const auto got = out.reshape({-1});
        const double equal = got.eq(expected).to(torch::kFloat32).mean().item<double>();
        qInfo("%d x %d: %.1f%% of outputs identical to LibTorch's float sums, the rest 1 ulp apart", rows, in,
              100 * equal);
        QVERIFY2(ulpDistance(got, expected) <= 1, "an output is more than one bf16 step from the float sum");
        QVERIFY(equal >= 0.95);
    }

    void partnerGivesTheSameBits() {
        if (!bf16GemvSupported())
            QSKIP("this CPU has no AVX512-BF16: the bf16 kernel is not used here (LibTorch's path is)");
        // Each row is one dot product on one thread whichever thread it is: the configurations of the
        // decoding thread choice cannot change a caption.
        const auto w = randomBf16({30522 / 16, 768}, 0.05), x = randomBf16({1, 768}, 1.0),
                   b = randomBf16({30522 / 16}, 0.1);
        auto alone = torch::empty({1, w.size(0)}, torch::kBFloat16), shared = torch::empty_like(alone);
        QVERIFY(bf16Gemv(w, x, b, alone));
        {
            RowGemvPartner partner;
            for (int repeat = 0; repeat < 50; ++repeat) { // many hand-offs, each complete before the next
                shared.fill_(0);
                QVERIFY(bf16Gemv(w, x, b, shared));
                QVERIFY(torch::equal(alone, shared));
            }
        }
        shared.fill_(0);
        QVERIFY(bf16Gemv(w, x, b, shared)); // the partner gone, LibTorch's threads again
        QVERIFY(torch::equal(alone, shared));
    }

    void refusesWhatItCannotTake() {
        if (!bf16GemvSupported()) { // refused whatever the tensors: the caller takes LibTorch's path
            const auto w = randomBf16({8, 64}, 0.05), x = randomBf16({1, 64}, 1.0);
            auto out = torch::zeros({1, 8}, torch::kBFloat16);
            QVERIFY(!bf16Gemv(w, x, torch::Tensor(), out));
            QVERIFY(out.eq(0).all().item<bool>());
            return;
        }
        const auto w = randomBf16({8, 64}, 0.05), x = randomBf16({1, 64}, 1.0), b = randomBf16({8}, 0.1);
        auto out = torch::full({1, 8}, 7.0, torch::kBFloat16);
        const auto untouched = out.clone();
        QVERIFY(!bf16Gemv(w.to(torch::kFloat32), x, b, out));                // float weights
        QVERIFY(!bf16Gemv(w, x.to(torch::kFloat32), b, out));                // float row
        QVERIFY(!bf16Gemv(w, x, b.to(torch::kFloat32), out));                // float bias
        QVERIFY(!bf16Gemv(w.t(), randomBf16({1, 8}, 1.0), b, out));          // not contiguous
        QVERIFY(!bf16Gemv(w, randomBf16({1, 63}, 1.0), b, out));             // wrong length
        QVERIFY(!bf16Gemv(w, x, randomBf16({7}, 0.1), out));                 // wrong bias length
        QVERIFY(!bf16Gemv(w, x, b, torch::empty({1, 9}, torch::kBFloat16))); // wrong output size
        QVERIFY(!bf16Gemv(w, x, b, torch::empty({1, 8}, torch::kFloat32)));  // float output
        QVERIFY(!bf16Gemv(w.unsqueeze(0), x, b, out));                       // not a matrix
        QVERIFY(torch::equal(out, untouched));
    }

    // fp32: the kernel's sums against the exact ones. Summing n products in float32 (any order, with fused
    // multiply-adds or not) is off by at most about n * 2^-24 * sum|w_i x_i|, and the ordering of 32
    // partial sums then pairwise gives far less in practice; the bound checked is 2 * n * 2^-24 * sum|w_i x_i|
    // plus the bias's own rounding, and the typical error is printed beside LibTorch's.
    void fp32MatchesExactSums_data() {
        // in: whole 32-element blocks (git-base's 768, 3072), 8-blocks, masked tails of 1-7, shorter than 8.
        addShapes({{1, 8, true},
                   {5, 100, true},
                   {130, 200, false},
                   {768, 768, true},
                   {300, 3072, true},
                   {257, 7, true},
                   {129, 41, true}});
    }
    void fp32MatchesExactSums() {
        if (!fp32GemvSupported()) QSKIP("this CPU has no AVX2 and FMA: the fp32 kernel is not used here (BLAS is)");
        QFETCH(int, rows);
        QFETCH(int, in);
        QFETCH(bool, bias);
        QFETCH(bool, partner);
        const auto w = torch::randn({rows, in}) * 0.05, x = torch::randn({1, in});
        const torch::Tensor b = bias ? torch::randn({rows}) * 0.1 : torch::Tensor();
        auto out = torch::full({1, rows}, 7.0);
        std::unique_ptr<RowGemvPartner> helper;
        if (partner) helper = std::make_unique<RowGemvPartner>();
        QVERIFY(fp32Gemv(w, x, b, out));
        const auto w64 = w.to(torch::kDouble), x64 = x.reshape({-1}).to(torch::kDouble);
        auto exact = torch::mv(w64, x64);
        if (bias) exact = exact + b.to(torch::kDouble);
        const auto magnitude = torch::mv(w64.abs(), x64.abs()) +
                               (bias ? b.to(torch::kDouble).abs() : torch::zeros({rows}, torch::kDouble));
        const auto bound = magnitude * (2.0 * in * std::ldexp(1.0, -24)) + exact.abs() * std::ldexp(1.0, -24);
        const auto error = (out.reshape({-1}).to(torch::kDouble) - exact).abs();
        auto libtorch = torch::mv(w, x.reshape({-1}));
        if (bias) libtorch = libtorch + b;
        const auto libtorchError = (libtorch.to(torch::kDouble) - exact).abs();
        qInfo("%d x %d: max error %.3g (LibTorch's float mv %.3g), mean relative to sum|w x| %.3g (LibTorch %.3g)",
              rows, in, error.max().item<double>(), libtorchError.max().item<double>(),
              (error / magnitude).mean().item<double>(), (libtorchError / magnitude).mean().item<double>());
        QVERIFY2(error.le(bound).all().item<bool>(),
                 "an output is further from the exact sum than float32 summation allows");
        // Within a few float32 steps of LibTorch's own float sums too.
        QVERIFY(
            (out.reshape({-1}) - libtorch).abs().le(magnitude.to(torch::kFloat32) * 1e-5f + 1e-30f).all().item<bool>());
    }

    void fp32PartnerGivesTheSameBits() {
        if (!fp32GemvSupported()) QSKIP("this CPU has no AVX2 and FMA: the fp32 kernel is not used here (BLAS is)");
        const auto w = torch::randn({30522 / 8, 768}) * 0.05, x = torch::randn({1, 768}), b = torch::randn({30522 / 8});
        auto alone = torch::empty({1, w.size(0)}), shared = torch::empty_like(alone), pooled = torch::empty_like(alone);
        QVERIFY(fp32Gemv(w, x, b, alone));
        {
            RowGemvPartner partner;
            for (int repeat = 0; repeat < 50; ++repeat) {
                shared.fill_(0);
                QVERIFY(fp32Gemv(w, x, b, shared));
                QVERIFY(torch::equal(alone, shared));
            }
        }
        torch::set_num_threads(2); // LibTorch's pool splits the rows differently: still the same bits
        QVERIFY(fp32Gemv(w, x, b, pooled));
        torch::set_num_threads(1);
        QVERIFY(torch::equal(alone, pooled));
    }

    void fp32RefusesWhatItCannotTake() {
        const auto w = torch::randn({8, 64}), x = torch::randn({1, 64}), b = torch::randn({8});
        auto out = torch::full({1, 8}, 7.0);
        const auto untouched = out.clone();
        if (fp32GemvSupported()) QVERIFY(fp32Gemv(w, x, b, torch::empty({8}))); // [out] as well as [1, out]
        QVERIFY(!fp32Gemv(w.to(torch::kBFloat16), x, b, out));                  // bf16 weights
        QVERIFY(!fp32Gemv(w, x.to(torch::kDouble), b, out));                    // double row
        QVERIFY(!fp32Gemv(w, x, b.to(torch::kBFloat16), out));                  // bf16 bias
        QVERIFY(!fp32Gemv(w.t().contiguous().t(), x, b, out));                  // not contiguous
        QVERIFY(!fp32Gemv(w, torch::randn({1, 63}), b, out));                   // wrong length
        QVERIFY(!fp32Gemv(w, x, torch::randn({7}), out));                       // wrong bias length
        QVERIFY(!fp32Gemv(w, x, b, torch::empty({1, 9})));                      // wrong output size
        QVERIFY(!fp32Gemv(w, x, b, torch::empty({1, 8}, torch::kDouble)));      // double output
        QVERIFY(!fp32Gemv(w.unsqueeze(0), x, b, out));                          // not a matrix
        QVERIFY(torch::equal(out, untouched));
    }

    // rowAttention against the same quantities in float64: scores over the image keys and the first
    // `length` text keys, softmax, context; image probabilities (heads' mean) added to what was there.
    void attentionMatchesExactSoftmax_data() {
        QTest::addColumn<int>("heads");
        QTest::addColumn<int>("images");
        QTest::addColumn<int>("length");
        QTest::addColumn<int>("headDim");
        QTest::newRow("git-base, step 1") << 12 << 197 << 1 << 64;
        QTest::newRow("git-base, step 40") << 12 << 197 << 40 << 64;
        QTest::newRow("fixture-sized") << 2 << 5 << 3 << 8;
        QTest::newRow("odd head size") << 3 << 17 << 9 << 13;
    }
    void attentionMatchesExactSoftmax() {
        if (!fp32GemvSupported()) QSKIP("this CPU has no AVX2 and FMA: LibTorch's attention path runs here");
        QFETCH(int, heads);
        QFETCH(int, images);
        QFETCH(int, length);
        QFETCH(int, headDim);
        const int capacity = length + 4; // text slots past `length` hold values that must not be read
        const auto q = torch::randn({heads * headDim}), ik = torch::randn({1, heads, images, headDim}),
                   iv = torch::randn({1, heads, images, headDim}), tk = torch::randn({1, heads, capacity, headDim}) * 2,
                   tv = torch::randn({1, heads, capacity, headDim});
        tk.narrow(2, length, capacity - length).fill_(1e6);
        tv.narrow(2, length, capacity - length).fill_(NAN);
        auto out = torch::full({heads * headDim}, 7.0f);
        auto probs = torch::full({images}, 0.25f); // added to
        QVERIFY(rowAttention(q, ik, iv, tk, tv, length, out, probs));

        const auto d = torch::kDouble;
        const auto q64 = q.to(d).view({heads, 1, headDim});
        const auto keys = torch::cat({ik[0].to(d), tk[0].narrow(1, 0, length).to(d)}, 1); // [H, I+L, d]
        const auto values = torch::cat({iv[0].to(d), tv[0].narrow(1, 0, length).to(d)}, 1);
        const auto p = torch::softmax(torch::matmul(q64, keys.transpose(1, 2)) / std::sqrt(double(headDim)), -1);
        const auto context = torch::matmul(p, values).reshape({-1});
        const auto onImage = p.squeeze(1).narrow(1, 0, images).mean(0) + 0.25;
        const double contextError = (out.to(d) - context).abs().max().item<double>();
        const double probsError = (probs.to(d) - onImage).abs().max().item<double>();
        qInfo("%d heads, %d image + %d text keys, head size %d: context off by %.3g, image probabilities by %.3g",
              heads, images, length, headDim, contextError, probsError);
        QVERIFY(contextError < 1e-5);
        QVERIFY(probsError < 1e-6);
    }

    // bf16 caches (the bf16 precision mode): the same float64 reference on the bf16 values; the context is
    // rounded to bf16 once, so it is within half a bf16 step (2^-8 relative) of it, plus float32's share.
    void attentionOnBf16() {
        if (!fp32GemvSupported()) QSKIP("this CPU has no AVX2 and FMA: LibTorch's attention path runs here");
        const int heads = 12, images = 197, length = 9, headDim = 64, capacity = 20;
        const auto bf = torch::kBFloat16;
        const auto q = torch::randn({heads * headDim}).to(bf), ik = torch::randn({1, heads, images, headDim}).to(bf),
                   iv = torch::randn({1, heads, images, headDim}).to(bf),
                   tk = torch::randn({1, heads, capacity, headDim}).to(bf),
                   tv = torch::randn({1, heads, capacity, headDim}).to(bf);
        auto out = torch::empty({heads * headDim}, bf);
        auto probs = torch::zeros({images});
        QVERIFY(rowAttention(q, ik, iv, tk, tv, length, out, probs));
        const auto d = torch::kDouble;
        const auto keys = torch::cat({ik[0].to(d), tk[0].narrow(1, 0, length).to(d)}, 1);
        const auto values = torch::cat({iv[0].to(d), tv[0].narrow(1, 0, length).to(d)}, 1);
        const auto p = torch::softmax(torch::matmul(q.to(d).view({heads, 1, headDim}), keys.transpose(1, 2)) / 8.0, -1);
        const auto context = torch::matmul(p, values).reshape({-1});
        const auto excess = (out.to(d) - context).abs() - context.abs() * std::ldexp(1.0, -8);
        qInfo("bf16: context beyond half a bf16 step by at most %.3g; image probabilities off by %.3g",
              excess.max().item<double>(),
              (probs.to(d) - p.squeeze(1).narrow(1, 0, images).mean(0)).abs().max().item<double>());
        QVERIFY(excess.max().item<double>() < 1e-5);
        QVERIFY((probs.to(d) - p.squeeze(1).narrow(1, 0, images).mean(0)).abs().max().item<double>() < 1e-6);
    }

    void attentionRefusesWhatItCannotTake() {
        const auto q = torch::randn({16}), ik = torch::randn({1, 2, 5, 8}), tk = torch::randn({1, 2, 6, 8});
        auto out = torch::full({16}, 7.0f);
        const auto untouched = out.clone();
        const torch::Tensor none;
        if (fp32GemvSupported()) {
            QVERIFY(rowAttention(q, ik, ik, tk, tk, 6, torch::empty({16}), none)); // every text slot used
        }
        QVERIFY(!rowAttention(q, ik, ik, tk, tk, 7, out, none));                  // past the text slots
        QVERIFY(!rowAttention(q, ik, ik, tk, tk, 0, out, none));                  // no text position
        QVERIFY(!rowAttention(torch::randn({15}), ik, ik, tk, tk, 2, out, none)); // wrong query size
        QVERIFY(!rowAttention(q, ik.repeat({2, 1, 1, 1}), ik.repeat({2, 1, 1, 1}), tk, tk, 2, out, none)); // 2 images
        QVERIFY(!rowAttention(q, ik, ik, tk.to(torch::kBFloat16), tk, 2, out, none));                      // bf16 cache
        QVERIFY(!rowAttention(q, ik.transpose(2, 3), ik, tk, tk, 2, out, none)); // not contiguous
        QVERIFY(!rowAttention(q, ik, ik, tk, tk, 2, out, torch::zeros({4})));    // image probabilities size
        QVERIFY(
            !rowAttention(q, ik, ik, torch::randn({1, 3, 6, 8}), torch::randn({1, 3, 6, 8}), 2, out, none)); // heads
        QVERIFY(torch::equal(out, untouched));
    }
};

QTEST_APPLESS_MAIN(TestRowGemv)
#include "test_row_gemv.moc"
