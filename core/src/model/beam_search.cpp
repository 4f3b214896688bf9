#include "captioner/error.h"
#include "model/decoding_strategies.h"

#include <algorithm>
#include <cmath>

namespace captioner::detail {
namespace {

// transformers' BeamHypotheses: the n best finished hypotheses of one image, scored
// sum_logprobs / generated_len ** length_penalty in double precision (Python floats).
class BeamHypotheses {
public:
    struct Hypothesis {
        double score;
        std::vector<int64_t> tokens;
        std::vector<float> logprobs; // per generated token (the end token's included); empty when not asked for
    };

    BeamHypotheses(int numBeams, double lengthPenalty, bool earlyStopping)
        : m_numBeams(numBeams), m_lengthPenalty(lengthPenalty), m_earlyStopping(earlyStopping) {}

    void add(const std::vector<int64_t>& tokens, std::vector<float> logprobs, double sumLogprobs,
             int64_t generatedLength) {
        const double score = sumLogprobs / std::pow(static_cast<double>(generatedLength), m_lengthPenalty);
        if (static_cast<int>(m_beams.size()) < m_numBeams || score > m_worstScore) {
            m_beams.push_back({score, tokens, std::move(logprobs)});
            if (static_cast<int>(m_beams.size()) > m_numBeams) {
                // Python sorts (score, index) pairs: the lowest score goes, the first one among equals.
                std::vector<std::pair<double, size_t>> order;
                for (size_t i = 0; i < m_beams.size(); ++i) order.emplace_back(m_beams[i].score, i);
                std::sort(order.begin(), order.end());
                m_beams.erase(m_beams.begin() + static_cast<std::ptrdiff_t>(order[0].second));
                m_worstScore = order[1].first;
            } else {
                m_worstScore = std::min(score, m_worstScore);
            }
        }
    }

    // generatedLength: the length the next scores were computed for, minus the prompt (start token).
    bool isDone(double bestSumLogprobs, int64_t generatedLength) const {
        if (static_cast<int>(m_beams.size()) < m_numBeams) return false;
        if (m_earlyStopping) return true;
        const double highest = bestSumLogprobs / std::pow(static_cast<double>(generatedLength), m_lengthPenalty);
        return m_worstScore >= highest;
    }

    // Best first; among equal scores the later-added one first (Python's stable sort, then pop()).
    std::vector<Hypothesis> best(int count) const {
        auto sorted = m_beams;
        std::stable_sort(sorted.begin(), sorted.end(),
                         [](const Hypothesis& a, const Hypothesis& b) { return a.score < b.score; });
        std::vector<Hypothesis> out;
        for (int i = 0; i < count && !sorted.empty(); ++i) {
            out.push_back(sorted.back());
            sorted.pop_back();
        }
        return out;
    }

private:
    int m_numBeams;
    double m_lengthPenalty;
    bool m_earlyStopping;
    std::vector<Hypothesis> m_beams;
    double m_worstScore = 1e9;
};

bool isIdentity(const std::vector<int64_t>& index) {
    for (size_t i = 0; i < index.size(); ++i)
        if (index[i] != static_cast<int64_t>(i)) return false;
    return true;
}

} // namespace

std::vector<std::vector<int64_t>> beamSearch(TextStepper& stepper, int64_t images, const GenerationOptions& opts,
                                             const torch::Device& device, std::vector<std::vector<float>>* probs) {
    const int64_t beams = opts.numBeams;
    const bool withProbs = probs != nullptr;
    std::vector<BeamHypotheses> hyps(static_cast<size_t>(images),
                                     BeamHypotheses(opts.numBeams, opts.lengthPenalty, opts.earlyStopping));
    std::vector<bool> done(static_cast<size_t>(images), false);
    std::vector<int64_t> active(static_cast<size_t>(images));
    for (int64_t i = 0; i < images; ++i) active[static_cast<size_t>(i)] = i;

    // Rows of the active images, `beams` per image. Beam 0 starts alone: the others start at -1e9.
    std::vector<std::vector<int64_t>> seqs(static_cast<size_t>(images * beams), {opts.bosTokenId});
    std::vector<float> beamScores(static_cast<size_t>(images * beams), 0.0f);
    for (size_t i = 0; i < beamScores.size(); ++i)
        if (i % static_cast<size_t>(beams) != 0) beamScores[i] = -1e9f;
    std::vector<int64_t> tokens(seqs.size(), opts.bosTokenId);
    // Each row's per-token log-probabilities, carried through reordering like seqs (only withProbs).
    std::vector<std::vector<float>> seqLogprobs(withProbs ? seqs.size() : 0);
    int64_t curLen = 1;

    while (true) {
        if (opts.shouldCancel && opts.shouldCancel()) return {};
        const int64_t activeCount = static_cast<int64_t>(active.size()), rows = activeCount * beams;
        auto logits = stepper.step(torch::tensor(tokens, torch::kLong).to(device)); // [rows, V]
        const int64_t vocab = logits.size(1);
        auto logprobs = torch::log_softmax(logits, -1);
        auto scores = logprobs + torch::tensor(beamScores).to(device).view({rows, 1});
        auto top = torch::topk(scores.view({activeCount, beams * vocab}), 2 * beams, 1, true, true);
        auto topScores = std::get<0>(top).to(torch::kCPU).contiguous();
        auto topIndex = std::get<1>(top).to(torch::kCPU).contiguous();
        const float* topScoresPtr = topScores.data_ptr<float>();
        const int64_t* topIndexPtr = topIndex.data_ptr<int64_t>();
        torch::Tensor topLogprobs; // each candidate's own token log-probability (2 * beams per image)
        if (withProbs)
            topLogprobs =
                logprobs.view({activeCount, beams * vocab}).gather(1, std::get<1>(top)).to(torch::kCPU).contiguous();
        const float* topLogprobsPtr = withProbs ? topLogprobs.data_ptr<float>() : nullptr;
        std::vector<float> nextTokenLogprobs(withProbs ? static_cast<size_t>(rows) : 0);

        std::vector<float> nextScores(static_cast<size_t>(rows));
        std::vector<int64_t> nextTokens(static_cast<size_t>(rows)), rowIndex(static_cast<size_t>(rows));
        for (int64_t a = 0; a < activeCount; ++a) {
            const int64_t image = active[static_cast<size_t>(a)];
            int64_t filled = 0;
            for (int64_t rank = 0; rank < 2 * beams && filled < beams; ++rank) {
                const int64_t flat = topIndexPtr[a * 2 * beams + rank];
                const float score = topScoresPtr[a * 2 * beams + rank];
                const int64_t token = flat % vocab, row = a * beams + flat / vocab;
                if (token == opts.eosTokenId) {
                    if (rank >= beams) continue; // only an end among the top `beams` candidates counts
                    std::vector<float> hypLogprobs;
                    if (withProbs) {
                        hypLogprobs = seqLogprobs[static_cast<size_t>(row)];
                        hypLogprobs.push_back(topLogprobsPtr[a * 2 * beams + rank]);
                    }
                    hyps[static_cast<size_t>(image)].add(seqs[static_cast<size_t>(row)], std::move(hypLogprobs), score,
                                                         curLen);
                } else {
                    const size_t slot = static_cast<size_t>(a * beams + filled++);
                    nextScores[slot] = score;
                    nextTokens[slot] = token;
                    rowIndex[slot] = row;
                    if (withProbs) nextTokenLogprobs[slot] = topLogprobsPtr[a * 2 * beams + rank];
                }
            }
            if (filled < beams) throw Error("generate", "beam search ran out of candidates");
            done[static_cast<size_t>(image)] =
                hyps[static_cast<size_t>(image)].isDone(topScoresPtr[a * 2 * beams], curLen);
        }

        std::vector<std::vector<int64_t>> nextSeqs(static_cast<size_t>(rows));
        for (size_t i = 0; i < nextSeqs.size(); ++i) {
            nextSeqs[i] = seqs[static_cast<size_t>(rowIndex[i])];
            nextSeqs[i].push_back(nextTokens[i]);
        }
        seqs = std::move(nextSeqs);
        if (withProbs) {
            std::vector<std::vector<float>> nextLogprobs(static_cast<size_t>(rows));
            for (size_t i = 0; i < nextLogprobs.size(); ++i) {
                nextLogprobs[i] = seqLogprobs[static_cast<size_t>(rowIndex[i])];
                nextLogprobs[i].push_back(nextTokenLogprobs[i]);
            }
            seqLogprobs = std::move(nextLogprobs);
        }
        beamScores = std::move(nextScores);
        tokens = std::move(nextTokens);
        ++curLen;

        std::vector<int64_t> keep;
        for (int64_t a = 0; a < activeCount; ++a)
            if (!done[static_cast<size_t>(active[static_cast<size_t>(a)])]) keep.push_back(a);
        if (keep.empty() || curLen >= opts.maxLength) break;

        if (!isIdentity(rowIndex)) stepper.reorderRows(torch::tensor(rowIndex, torch::kLong).to(device));
        if (static_cast<int64_t>(keep.size()) < activeCount) {
            stepper.keepImages(keep);
            std::vector<int64_t> keptActive;
            std::vector<std::vector<int64_t>> keptSeqs;
            std::vector<std::vector<float>> keptLogprobs;
            std::vector<float> keptScores;
            std::vector<int64_t> keptTokens;
            for (int64_t a : keep) {
                keptActive.push_back(active[static_cast<size_t>(a)]);
                for (int64_t r = 0; r < beams; ++r) {
                    const size_t row = static_cast<size_t>(a * beams + r);
                    keptSeqs.push_back(std::move(seqs[row]));
                    if (withProbs) keptLogprobs.push_back(std::move(seqLogprobs[row]));
                    keptScores.push_back(beamScores[row]);
                    keptTokens.push_back(tokens[row]);
                }
            }
            active = std::move(keptActive);
            seqs = std::move(keptSeqs);
            seqLogprobs = std::move(keptLogprobs);
            beamScores = std::move(keptScores);
            tokens = std::move(keptTokens);
        }
    }

    // Unfinished images (stopped by max length) add their running beams, as BeamSearchScorer.finalize does.
    for (size_t a = 0; a < active.size(); ++a) {
        const size_t image = static_cast<size_t>(active[a]);
        if (done[image]) continue;
        for (int64_t r = 0; r < beams; ++r) {
            const size_t row = a * static_cast<size_t>(beams) + static_cast<size_t>(r);
            hyps[image].add(seqs[row], withProbs ? seqLogprobs[row] : std::vector<float>{}, beamScores[row],
                            curLen - 1);
        }
    }
    std::vector<std::vector<int64_t>> out;
    if (probs) probs->clear();
    for (int64_t image = 0; image < images; ++image) {
        for (auto& hyp : hyps[static_cast<size_t>(image)].best(opts.numReturnSequences)) {
            // Finished hypotheses are stored without their end token; transformers writes it back, and only
            // they are shorter than max_length.
            if (static_cast<int64_t>(hyp.tokens.size()) < opts.maxLength) hyp.tokens.push_back(opts.eosTokenId);
            out.push_back(std::move(hyp.tokens));
            if (probs) {
                std::vector<float> p;
                p.reserve(hyp.logprobs.size());
                for (float l : hyp.logprobs) p.push_back(std::exp(l));
                probs->push_back(std::move(p));
            }
        }
    }
    return out;
}

} // namespace captioner::detail
