#pragma once
// TrainingWorker runs one captioner::Trainer on the QThread it is moved to (as Qt's mandelbrot
// example runs its render loop): run() blocks that thread until the trainer ends; the trainer's events
// come back as queued `update` signals. pause(), resume() and cancel() are called from the UI thread
// while run() is busy, so they go straight to the trainer's thread-safe controls, not through slots.
#include "core_metatypes.h"

#include <QObject>

#include <memory>

namespace captioner::ui {

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
    void run(const captioner::TrainingOptions& options);

signals:
    void update(const captioner::TrainingEvent& event);
    void done(const QString& status, const QString& message);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

// Problems that keep these options from starting, one clear sentence each (empty: ready to start).
QStringList validateTrainingOptions(const captioner::TrainingOptions& options);
// The tiny demo model's recipe (captioner::demoTrainingOptions; its header needs LibTorch).
captioner::TrainingOptions demoTrainingRecipe();

} // namespace captioner::ui
