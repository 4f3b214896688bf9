// The bf16 precision mode's batch-1 projection kernel (core/src/model/bf16_gemv.h): one row times a bfloat16
// matrix with AVX512-BF16, against the same products summed in float32 by LibTorch and rounded to bfloat16;
// rows shared with a partner thread give the same bits; inputs it cannot take are refused untouched.
#include "model/bf16_gemv.h"

#include <QtTest/QtTest>

#include <torch/torch.h>

using captioner::detail::bf16Gemv;
using captioner::detail::Bf16GemvPartner;
using captioner::detail::bf16GemvSupported;

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

// bf16 values one unit in the last place apart, or closer: the two sums differ in order only.
int64_t ulpDistance(const torch::Tensor& a, const torch::Tensor& b) {
    auto ia = a.view(torch::kShort).to(torch::kInt), ib = b.view(torch::kShort).to(torch::kInt);
    return (ia - ib).abs().max().item<int64_t>();
}

} // namespace

class TestBf16Gemv : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        torch::set_num_threads(1);
        torch::manual_seed(3);
        if (!bf16GemvSupported())
            QSKIP("this CPU has no AVX512-BF16: the kernel is not used here (LibTorch's path is)");
    }

    void matchesFloatSums_data() {
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("in");
        QTest::addColumn<bool>("bias");
        QTest::addColumn<bool>("partner");
        // in: whole 128-element blocks (git-base's 768, 3072), 32-blocks with and without a masked tail.
        for (bool partner : {false, true}) {
            const char* p = partner ? " with partner" : "";
            QTest::newRow(qPrintable(QString("1x32%1").arg(p))) << 1 << 32 << true << partner;
            QTest::newRow(qPrintable(QString("5x100%1").arg(p))) << 5 << 100 << true << partner;
            QTest::newRow(qPrintable(QString("130x200 no bias%1").arg(p))) << 130 << 200 << false << partner;
            QTest::newRow(qPrintable(QString("768x768%1").arg(p))) << 768 << 768 << true << partner;
            QTest::newRow(qPrintable(QString("300x3072%1").arg(p))) << 300 << 3072 << true << partner;
            QTest::newRow(qPrintable(QString("257x7%1").arg(p))) << 257 << 7 << true << partner;
        }
    }
    void matchesFloatSums() {
        QFETCH(int, rows);
        QFETCH(int, in);
        QFETCH(bool, bias);
        QFETCH(bool, partner);
        const auto w = randomBf16({rows, in}, 0.05), x = randomBf16({1, in}, 1.0);
        const torch::Tensor b = bias ? randomBf16({rows}, 0.1) : torch::Tensor();
        auto out = torch::full({1, rows}, 7.0, torch::kBFloat16);
        std::unique_ptr<Bf16GemvPartner> helper;
        if (partner) helper = std::make_unique<Bf16GemvPartner>();
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
        // Each row is one dot product on one thread whichever thread it is: the configurations of the
        // decoding thread choice cannot change a caption.
        const auto w = randomBf16({30522 / 16, 768}, 0.05), x = randomBf16({1, 768}, 1.0),
                   b = randomBf16({30522 / 16}, 0.1);
        auto alone = torch::empty({1, w.size(0)}, torch::kBFloat16), shared = torch::empty_like(alone);
        QVERIFY(bf16Gemv(w, x, b, alone));
        {
            Bf16GemvPartner partner;
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
};

QTEST_APPLESS_MAIN(TestBf16Gemv)
#include "test_bf16_gemv.moc"
