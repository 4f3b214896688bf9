#pragma once
// ModelManager owns the captioning model of the desktop app. open() checks a folder, then loads the
// checkpoint off the UI thread in four stages (checking files, reading config, loading weights,
// tokenizer) and hands the loaded model out through modelReady; a folder that is not a GIT
// checkpoint fails with one sentence naming the folder and what is wrong. It also keeps the recent
// models (AppSettings "model:" entries) and makes the built-in demo model: demo data, the tiny
// preset and a few CPU minutes of training, in a worker thread, with progress and cancel.
// Signals are emitted on the UI thread. Torch headers stay out of this header.
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QString>

#include <memory>

class QThread;

namespace captioner {
struct GitCheckpoint;
struct DemoRecipe;
} // namespace captioner

namespace captioner::ui {

// What the Model panel shows about a loaded model.
struct ModelFacts {
    QString folder;
    qint64 parameters = 0;
    qint64 vocabularySize = 0; // the model's vocab_size (config.json)
    qint64 tokenizerSize = 0;  // tokens the tokenizer defines (<= vocabularySize)
    QString tokenizerKind;     // "WordPiece" or "SentencePiece"
    int imageSize = 0;         // the vision tower's input edge in pixels
    QString dtype;             // weights on disk: "F32", "F16", "BF16" or a mix such as "F32+F16"
    QString device;            // where it runs: "cpu", "cuda:0"
    QString precision;         // what it captions in: "fp32", "bf16" or "int8" (AppSettings::captionPrecision)
    qint64 folderBytes = 0;    // the files of the model folder itself (not sub-folders)
    double loadSeconds = 0;
};

class ModelManager : public QObject {
    Q_OBJECT
public:
    enum class Stage { CheckingFiles = 0, ReadingConfig, LoadingWeights, Tokenizer };
    static constexpr int kStageCount = 4;

    struct RecentModel {
        QString folder;
        bool available = false; // the folder still exists and holds config.json
    };

    explicit ModelManager(QObject* parent = nullptr);
    ~ModelManager() override; // cancels the demo training (it saves a checkpoint) and waits for workers

    // Starts loading; an open() while another load runs supersedes it (the older result is dropped).
    void open(const QString& folder);
    // Drops the load in progress (its result is discarded when it arrives).
    void cancelLoad();
    bool isLoading() const { return m_loadingGeneration != 0; }
    QString loadingFolder() const { return m_loadingFolder; }

    std::shared_ptr<GitCheckpoint> model() const { return m_model; }
    QString folder() const { return m_folder; }
    const ModelFacts& facts() const { return m_facts; }
    QString lastError() const { return m_lastError; }

    // Files a GIT checkpoint folder needs: "" when they are there, otherwise one sentence naming the
    // folder and the missing file (config.json of model_type "git", model.safetensors or its index,
    // tokenizer.json / vocab.txt / tokenizer.model). Fast: reads config.json only.
    static QString checkFolder(const QString& folder);
    // "Checking files", "Reading config", "Loading weights", "Loading tokenizer".
    static QString stageName(Stage stage);
    // Whether CUDA can be used by this LibTorch build; whyNot says why not.
    static bool cudaAvailable(QString* whyNot = nullptr);
    // Recent model folders, newest first.
    static QList<RecentModel> recentModels();

    // The demo folder (data/, base-model/, model/); AppDataLocation + "/demo" unless set.
    QString demoFolder() const { return m_demoFolder; }
    void setDemoFolder(const QString& folder) { m_demoFolder = folder; }
    // The recipe used by prepareDemoModel (its dir is replaced by demoFolder()); tests use tiny ones.
    void setDemoRecipe(const captioner::DemoRecipe& recipe);
    // Where the trained demo model lands, and whether a complete one is there.
    QString demoModelFolder() const;
    bool demoModelExists() const;
    // Opens the demo model when it exists, otherwise makes it in a worker thread and opens it after.
    // An earlier cancelled run is continued from its last checkpoint.
    void prepareDemoModel();
    void cancelDemo();
    bool isPreparingDemo() const { return m_demoThread != nullptr; }

signals:
    void loadStarted(const QString& folder);
    void loadProgress(const QString& folder, int stage, const QString& text);
    void modelReady(std::shared_ptr<captioner::GitCheckpoint> model, const QString& folder);
    void loadFailed(const QString& folder, const QString& message);
    void recentChanged();
    void demoStarted();
    // step/maxSteps are training steps (0/0 while data and base model are made); eta < 0 when unknown.
    void demoProgress(const QString& text, qint64 step, qint64 maxSteps, double etaSeconds);
    // ok: the model was made (it is opened next); otherwise message says why ("cancelled" included).
    void demoFinished(bool ok, const QString& message);

private:
    struct LoadResult;
    struct DemoJob;
    void finishLoad(quint64 generation, const std::shared_ptr<LoadResult>& result);
    void finishDemo(bool ok, const QString& message);

    std::shared_ptr<GitCheckpoint> m_model;
    QString m_folder;
    ModelFacts m_facts;
    QString m_lastError;
    quint64 m_generation = 0;
    quint64 m_loadingGeneration = 0; // 0: nothing loading
    QString m_loadingFolder;
    QList<QThread*> m_loadThreads;

    QString m_demoFolder;
    std::unique_ptr<captioner::DemoRecipe> m_demoRecipe;
    QThread* m_demoThread = nullptr;
    std::shared_ptr<DemoJob> m_demoJob;
};

} // namespace captioner::ui

Q_DECLARE_METATYPE(std::shared_ptr<captioner::GitCheckpoint>)
Q_DECLARE_METATYPE(captioner::ui::ModelFacts)
