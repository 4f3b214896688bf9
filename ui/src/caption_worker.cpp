// Core (torch) headers first: Qt's `slots` keyword macro breaks ATen's headers that come after it.
#include "captioner/caption_pipeline.h"

#include "caption_worker.h"

#include <exception>

namespace captioner::ui {

void CaptionWorker::run(const CaptionJob& job) {
    int delivered = 0;
    try {
        if (!job.model) throw std::runtime_error("no model is loaded");
        captioner::CaptionOptions options;
        options.generation =
            captioner::generationOptionsFor(*job.model, job.maxLength, job.numBeams, job.lengthPenalty);
        // Heatmaps for the cards (greedy search only; the last layer costs no measurable time, see README).
        if (job.numBeams <= 1) options.generation.imageAttention = captioner::ImageAttention::LastLayer;
        options.batchSize = job.batchSize;
        options.shouldCancel = [this] { return m_cancel.load(); };
        options.onResult = [&](const captioner::CaptionResult& r) {
            CaptionOutcome o;
            o.serial = job.serial;
            o.id = job.ids.value(delivered++);
            o.caption = QString::fromStdString(r.caption);
            o.seconds = r.seconds;
            if (r.ok()) {
                o.confidence = r.confidence;
                const bool maps = r.heatmaps.words.size() == r.words.size();
                for (size_t i = 0; i < r.words.size(); ++i) {
                    CaptionWord w{QString::fromStdString(r.words[i].word), r.words[i].confidence, 0, 0, {}};
                    if (maps) {
                        w.rows = r.heatmaps.rows;
                        w.cols = r.heatmaps.cols;
                        const std::vector<float>& g = r.heatmaps.words[i].grid;
                        w.heatmap = QVector<float>(g.begin(), g.end());
                    }
                    o.words.push_back(w);
                }
            }
            o.error = QString::fromStdString(r.error);
            emit resultReady(o);
        };
        std::vector<std::string> paths;
        paths.reserve(static_cast<size_t>(job.paths.size()));
        for (const QString& p : job.paths) paths.push_back(p.toStdString());
        captioner::captionImages(*job.model, paths, options);
    } catch (const std::exception& e) {
        // A failure of the whole job (the model itself, bad decoding settings): every image not yet
        // answered gets the reason, so no card waits forever.
        for (int i = delivered; i < job.ids.size(); ++i) {
            CaptionOutcome o;
            o.serial = job.serial;
            o.id = job.ids[i];
            o.error = QStringLiteral("%1: %2").arg(job.paths[i], QString::fromStdString(e.what()));
            emit resultReady(o);
        }
        delivered = static_cast<int>(job.ids.size());
    }
    emit jobFinished(job.serial, delivered < job.ids.size());
}

} // namespace captioner::ui
