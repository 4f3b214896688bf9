// Seeded splits: numpy's default_rng(seed).permutation reproduced exactly (references made by numpy
// itself, see fixtures/dataset/README.md), datasets' train_test_split sizes (ceil, including its
// floating-point rounding), stability, disjointness, and layouts that bring their own test split.
#include "captioner/dataset.h"
#include "captioner/dataset_split.h"
#include "captioner/error.h"

#include "test_dataset_util.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <algorithm>
#include <set>

using captioner::CaptionDataset;
using nlohmann::json;

namespace {
CaptionDataset withItems(const std::string& root, size_t n) {
    dstest::image(root + "/a.png");
    dstest::put(root + "/a.txt", "x");
    CaptionDataset d = CaptionDataset::open(root);
    d.items().resize(n, d.items().front());
    return d;
}
} // namespace

class TestDatasetSplit : public QObject {
    Q_OBJECT
    QTemporaryDir m_tmp;

private slots:
    void permutationMatchesNumpy() {
        const json ref = testsupport::readJson(testsupport::fixture("dataset/split_reference.json"));
        for (const auto& c : ref["cases"]) {
            const auto perm = captioner::numpyPermutation(c["n"].get<size_t>(), c["seed"].get<uint64_t>());
            std::vector<size_t> want = c["test"].get<std::vector<size_t>>();
            const auto train = c["train"].get<std::vector<size_t>>();
            want.insert(want.end(), train.begin(), train.end());
            QCOMPARE(perm, want);
        }
    }

    void splitMatchesTrainTestSplit() {
        const json ref = testsupport::readJson(testsupport::fixture("dataset/split_reference.json"));
        int k = 0;
        for (const auto& c : ref["cases"]) {
            const std::string root = (m_tmp.path() + "/s" + QString::number(k++)).toStdString();
            const auto d = withItems(root, c["n"].get<size_t>());
            const auto s = captioner::splitDataset(d, c["test_size"].get<double>(), c["seed"].get<uint64_t>());
            QCOMPARE(s.test.size(), c["n_test"].get<size_t>());
            QCOMPARE(s.test, c["test"].get<std::vector<size_t>>());
            QCOMPARE(s.train, c["train"].get<std::vector<size_t>>());
            QVERIFY(!s.fromLayout);
            // Stable across calls, disjoint, complete.
            const auto again = captioner::splitDataset(d, c["test_size"].get<double>(), c["seed"].get<uint64_t>());
            QCOMPARE(again.train, s.train);
            QCOMPARE(again.test, s.test);
            std::set<size_t> all(s.train.begin(), s.train.end());
            all.insert(s.test.begin(), s.test.end());
            QCOMPARE(all.size(), d.items().size());
        }
    }

    void sizesFollowCeil_data() {
        QTest::addColumn<int>("n");
        QTest::addColumn<double>("testSize");
        QTest::addColumn<int>("nTest");
        QTest::newRow("10") << 10 << 0.1 << 1;
        QTest::newRow("30") << 30 << 0.1 << 3;
        QTest::newRow("0.07 * 100 is 7.000000000000001: 8, as in Python") << 100 << 0.07 << 8;
        QTest::newRow("11") << 11 << 0.1 << 2;
        QTest::newRow("600") << 600 << 0.1 << 60;
        QTest::newRow("2 of half") << 2 << 0.5 << 1;
    }
    void sizesFollowCeil() {
        QFETCH(int, n);
        QFETCH(double, testSize);
        QFETCH(int, nTest);
        QTemporaryDir t;
        const auto d = withItems(t.path().toStdString(), size_t(n));
        const auto s = captioner::splitDataset(d, testSize, 42);
        QCOMPARE(int(s.test.size()), nTest);
        QCOMPARE(int(s.train.size()), n - nTest);
    }

    void seedChangesSplit() {
        QTemporaryDir t;
        const auto d = withItems(t.path().toStdString(), 100);
        QVERIFY(captioner::splitDataset(d, 0.1, 1).test != captioner::splitDataset(d, 0.1, 2).test);
    }

    void unusableItemsTakeNoPart() {
        QTemporaryDir t;
        auto d = withItems(t.path().toStdString(), 12);
        d.items()[3].captions.clear();
        d.items()[7].unreadable = "truncated";
        const auto s = captioner::splitDataset(d, 0.1, 42);
        // 10 usable items, permuted as permutation(10) would, mapped back to item indices.
        const std::vector<size_t> usable{0, 1, 2, 4, 5, 6, 8, 9, 10, 11};
        const auto perm = captioner::numpyPermutation(10, 42);
        QCOMPARE(s.test, std::vector<size_t>{usable[perm[0]]});
        QCOMPARE(s.train.size(), size_t(9));
        QCOMPARE(std::count(s.train.begin(), s.train.end(), size_t(3)), 0L);
        QCOMPARE(std::count(s.train.begin(), s.train.end(), size_t(7)), 0L);
    }

    void layoutSplitIsKept() {
        QTemporaryDir t;
        const std::string root = t.path().toStdString();
        dstest::image(root + "/train/a.png", 1);
        dstest::image(root + "/train/b.png", 2);
        dstest::image(root + "/test/c.png", 3);
        dstest::put(root + "/train/metadata.jsonl",
                    "{\"file_name\": \"a.png\", \"text\": \"A\"}\n{\"file_name\": \"b.png\", \"text\": \"B\"}\n");
        dstest::put(root + "/test/metadata.jsonl", "{\"file_name\": \"c.png\", \"text\": \"C\"}\n");
        const auto d = CaptionDataset::open(root);
        const auto s = captioner::splitDataset(d, 0.5, 7);
        QVERIFY(s.fromLayout);
        QCOMPARE(s.test, std::vector<size_t>{0}); // test/ is read first (folders in name order)
        QCOMPARE(s.train, (std::vector<size_t>{1, 2}));
    }

    void badArguments() {
        QTemporaryDir t;
        const auto one = withItems(t.path().toStdString(), 1);
        QVERIFY_EXCEPTION_THROWN(captioner::splitDataset(one, 0.1, 42), captioner::Error); // train would be empty
        QVERIFY_EXCEPTION_THROWN(captioner::splitDataset(one, 0.0, 42), captioner::Error);
        QVERIFY_EXCEPTION_THROWN(captioner::splitDataset(one, 1.0, 42), captioner::Error);
        try {
            captioner::splitDataset(one, 0.1, 42);
        } catch (const captioner::Error& e) {
            QCOMPARE(e.reason(), std::string("with 1 usable item and test size 0.1 the train split would be empty"));
        }
    }
};

QTEST_GUILESS_MAIN(TestDatasetSplit)
#include "test_dataset_split.moc"
