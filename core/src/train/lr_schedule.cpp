#include "captioner/optimizer.h"

#include "captioner/error.h"

#include <algorithm>
#include <cmath>

namespace captioner {
namespace {

const std::string kSubject = "learning-rate schedule";
constexpr double kPi = 3.141592653589793; // Python's math.pi

// Python's float(a) / float(max(1, b)), kept as one helper so every lambda divides the same way.
double ratio(int64_t a, int64_t b) { return static_cast<double>(a) / static_cast<double>(std::max<int64_t>(1, b)); }

} // namespace

LrSchedule::LrSchedule(LrScheduleKind kind, double baseLr, int64_t warmupSteps, int64_t totalSteps, double numCycles)
    : m_kind(kind), m_baseLr(baseLr), m_warmupSteps(warmupSteps), m_totalSteps(totalSteps), m_numCycles(numCycles) {
    if (warmupSteps < 0 || totalSteps < 0) throw Error(kSubject, "warm-up and total steps must be non-negative");
    if (!(baseLr >= 0.0)) throw Error(kSubject, "base learning rate must be non-negative");
    if (kind != LrScheduleKind::Constant && kind != LrScheduleKind::ConstantWithWarmup &&
        kind != LrScheduleKind::Linear && kind != LrScheduleKind::Cosine)
        throw Error(kSubject, "unknown schedule kind");
}

// Each branch mirrors the lr_lambda of transformers/optimization.py term for term, so the doubles
// come out identical to what LambdaLR computes in Python.
double LrSchedule::factor(int64_t step) const {
    switch (m_kind) {
    case LrScheduleKind::Constant: return 1.0;
    case LrScheduleKind::ConstantWithWarmup:
        // HF divides by float(max(1.0, warmup)): the same value as ratio().
        return step < m_warmupSteps ? ratio(step, m_warmupSteps) : 1.0;
    case LrScheduleKind::Linear:
        if (step < m_warmupSteps) return ratio(step, m_warmupSteps);
        return std::max(0.0, ratio(m_totalSteps - step, m_totalSteps - m_warmupSteps));
    case LrScheduleKind::Cosine: {
        if (step < m_warmupSteps) return ratio(step, m_warmupSteps);
        const double progress = ratio(step - m_warmupSteps, m_totalSteps - m_warmupSteps);
        return std::max(0.0, 0.5 * (1.0 + std::cos(kPi * m_numCycles * 2.0 * progress)));
    }
    }
    return 1.0;
}

LrScheduleKind LrSchedule::parseKind(const std::string& name) {
    if (name == "linear") return LrScheduleKind::Linear;
    if (name == "cosine") return LrScheduleKind::Cosine;
    if (name == "constant") return LrScheduleKind::Constant;
    if (name == "constant_with_warmup") return LrScheduleKind::ConstantWithWarmup;
    throw Error(kSubject,
                "unknown schedule \"" + name + "\" (expected linear, cosine, constant or constant_with_warmup)");
}

std::string LrSchedule::kindName(LrScheduleKind kind) {
    switch (kind) {
    case LrScheduleKind::Linear: return "linear";
    case LrScheduleKind::Cosine: return "cosine";
    case LrScheduleKind::Constant: return "constant";
    case LrScheduleKind::ConstantWithWarmup: return "constant_with_warmup";
    }
    return "linear";
}

int64_t LrSchedule::warmupStepsFor(int64_t totalSteps, double warmupRatio, int64_t warmupSteps) {
    if (warmupSteps > 0) return warmupSteps;
    if (!(warmupRatio >= 0.0 && warmupRatio <= 1.0)) throw Error(kSubject, "warm-up ratio must lie in [0, 1]");
    return static_cast<int64_t>(std::ceil(static_cast<double>(totalSteps) * warmupRatio));
}

} // namespace captioner
