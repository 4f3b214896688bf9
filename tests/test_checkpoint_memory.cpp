// Loading a checkpoint holds one copy of its weights, not two: loadCheckpoint reads each tensor of
// model.safetensors straight into its parameter and gives the file's pages back as it goes
// (SafetensorsFile::readInto), where reading the file into tensors first and copying those into the
// model held the mapping, the tensors and the parameters at once. Measured with the process's own
// peak-RSS counter (VmHWM, reset through /proc/self/clear_refs), on a model of ~100 MiB.
#include "captioner/checkpoint.h"
#include "captioner/model_presets.h"
#include "test_support.h"

#include <QtTest/QtTest>
#include <torch/torch.h>

#include <fstream>

using namespace captioner;

namespace {

// A field of /proc/self/status in kB; -1 where it is missing.
long statusKb(const std::string& field) {
    std::ifstream in("/proc/self/status");
    std::string key;
    while (in >> key) {
        if (key == field + ":") {
            long kb = -1;
            in >> kb;
            return kb;
        }
        in.ignore(1 << 20, '\n');
    }
    return -1;
}

// Starts a new peak: VmHWM becomes the current RSS (Linux 4.0+). False where this is not allowed.
bool resetPeakRss() {
    std::ofstream out("/proc/self/clear_refs");
    out << "5";
    out.flush();
    return static_cast<bool>(out);
}

int64_t parameterBytes(const GitCheckpoint& ck) {
    int64_t bytes = 0;
    for (const auto& p : ck.model->parameters()) bytes += p.numel() * static_cast<int64_t>(p.element_size());
    return bytes;
}

} // namespace

class TestCheckpointMemory : public QObject {
    Q_OBJECT

private slots:
    void loadHoldsOneCopyOfTheWeights() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string folder = dir.path().toStdString() + "/model";
        // The tiny shape with a 200,000-word vocabulary: its embedding and output layer (51 MB each)
        // are most of the weights and are too big for malloc's heap, so freeing them gives them back.
        int64_t bytes = 0;
        torch::Tensor embedding;
        {
            GitCheckpoint ck = initCheckpoint(presetConfig("tiny", 200000), nullptr, 7);
            saveCheckpoint(ck, folder);
            bytes = parameterBytes(ck);
            for (const auto& item : ck.model->named_parameters(true))
                if (item.key() == "git.embeddings.word_embeddings.weight") embedding = item.value().clone();
        }
        QVERIFY2(bytes > 100 * 1000 * 1000, qPrintable(QString::number(bytes)));
        if (!resetPeakRss() || statusKb("VmHWM") < 0) QSKIP("/proc/self/clear_refs or VmHWM is not available here");
        const long before = statusKb("VmRSS");
        CheckpointLoadOptions options;
        options.loadTokenizer = false;
        GitCheckpoint loaded = loadCheckpoint(folder, options);
        const long peakKb = statusKb("VmHWM");
        // One copy of the weights, plus the 8 MiB chunk readInto works in and LibTorch's own allocations
        // while the model is built: under a quarter more. Two copies (the old way) would be twice the weights.
        const long grewKb = peakKb - before;
        const long weightsKb = static_cast<long>(bytes / 1024);
        QVERIFY2(
            grewKb < weightsKb + weightsKb / 4,
            qPrintable(QStringLiteral("peak RSS grew by %1 kB loading %2 kB of weights").arg(grewKb).arg(weightsKb)));
        QCOMPARE(parameterBytes(loaded), bytes);
        // The values are the saved ones, bit for bit.
        for (const auto& item : loaded.model->named_parameters(true))
            if (item.key() == "git.embeddings.word_embeddings.weight") QVERIFY(torch::equal(item.value(), embedding));
    }
};

QTEST_GUILESS_MAIN(TestCheckpointMemory)
#include "test_checkpoint_memory.moc"
