#pragma once
// The core's torch-free training types as Qt meta-types, so that they travel in queued signals as
// they are: the form edits a captioner::TrainingOptions, the worker and the watcher deliver
// captioner::TrainingEvent, the page rebuilds a finished run from a captioner::TrainingHistory.
#include "captioner/trainer.h"
#include "captioner/training_events.h"
#include "captioner/training_history.h"

#include <QList>
#include <QMetaType>

#include <cmath>

namespace captioner::ui {

// A generated-caption metric of an eval, NaN when nothing was generated (the charts leave a gap).
inline double generatedMetric(const captioner::EvalResult& eval, double value) {
    return eval.generated.count > 0 ? value : std::nan("");
}

} // namespace captioner::ui

Q_DECLARE_METATYPE(captioner::TrainingOptions)
Q_DECLARE_METATYPE(captioner::TrainingEvent)
