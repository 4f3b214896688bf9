#pragma once
// TrainingWorker runs one captioner::Trainer on the QThread it is moved to (as Qt's mandelbrot
// example runs its render loop): run() blocks that thread until the trainer ends; the trainer's events
// come back as queued `update` signals. pause(), resume() and cancel() are called from the UI thread
// while run() is busy, so they go straight to the trainer's thread-safe controls, not through slots.
#include "training_types.h"

#include <QObject>

#include <memory>

namespace captioner {
struct TrainingEvent;
}

namespace captioner::ui {

// One core event in Qt types (the worker's `update`, and TrainingWatcher's events read from a file).
TrainingUpdate toTrainingUpdate(const captioner::TrainingEvent& event);

class TrainingWorker : public QObject {
    Q_OBJECT
public:
    explicit TrainingWorker(QObject* parent = nullptr);
    ~TrainingWorker() override;

    // Thread-safe; a request made before the trainer exists is applied when it starts.
    void pause();
    void resume();
    void cancel();

public slots:
    void run(const captioner::ui::TrainingSettings& settings);

signals:
    void update(const captioner::ui::TrainingUpdate& update);
    void done(const QString& status, const QString& message);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

// Problems that keep these settings from starting, one clear sentence each (empty: ready to start).
QStringList validateTrainingSettings(const TrainingSettings& settings);
// The recipe of Hugging Face's captioning guide (the core's TrainingOptions defaults).
TrainingSettings guideTrainingSettings();
// The tiny demo model's recipe (batch 16, lr 2e-3 with warm-up, eval every 500 steps).
TrainingSettings demoTrainingSettings();

} // namespace captioner::ui
