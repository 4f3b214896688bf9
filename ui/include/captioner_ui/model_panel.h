#pragma once
// ModelPanel shows the ModelManager's state at the top of the Caption page's side panel: the current
// model and its facts (parameters, vocabulary, tokenizer, image size, weights, device, size), "Open
// Model…" and a Recent menu (folders that are gone are listed as unavailable), the stages of a load
// in progress and why a load failed. While no model is loaded it offers the built-in demo model:
// "Prepare Demo Model" trains it in the background with steps, ETA and Cancel, "Use Demo Model"
// opens it when it was made before. Beside it, "Get microsoft/git-base from Hugging Face" asks the
// window to download that model into the shared cache (the Hub download dialog: the total size the
// Hub reports, progress, resume after a cancel) and open it.
#include <QWidget>

#include <memory>

class QFormLayout;
class QLabel;
class QMenu;
class QProgressBar;
class QPushButton;

namespace captioner {
struct GitCheckpoint;
}

namespace captioner::ui {

class ModelManager;

class ModelPanel : public QWidget {
    Q_OBJECT
public:
    explicit ModelPanel(ModelManager* manager, QWidget* parent = nullptr);

    // Texts as shown, for tests and screen readers: the model line, the status line, the error.
    QString modelText() const;
    QString statusText() const;
    QString errorText() const;
    // The value shown for a fact: "parameters", "vocabulary", "tokenizer", "image", "weights",
    // "device", "size".
    QString factText(const QString& key) const;
    bool isDemoOffered() const;
    // The model the panel offers to download while none is open.
    static QString suggestedHubModel();
    // Rebuilds the Recent menu from the settings (also on ModelManager::recentChanged).
    void rebuildRecentMenu();
    QMenu* recentMenu() const { return m_recentMenu; }

signals:
    // "Open Model…": the window shows its folder dialog and calls ModelManager::open.
    void openRequested();
    // "Get microsoft/git-base from Hugging Face": the window downloads `repo` and opens it.
    void hubModelRequested(const QString& repo);

private:
    void onLoadStarted(const QString& folder);
    void onLoadProgress(const QString& folder, int stage, const QString& text);
    void onModelReady(const QString& folder);
    void onLoadFailed(const QString& folder, const QString& message);
    void onDemoProgress(const QString& text, qint64 step, qint64 maxSteps, double eta);
    void onDemoFinished(bool ok, const QString& message);
    void cancel();
    void updateDemoOffer();
    void showBusy(bool busy);
    void setFact(const QString& key, const QString& value);
    // The folder's name, with its parent for generic names ("run/model", "run/checkpoint-500").
    QString displayName(const QString& folder) const;

    ModelManager* m_manager;
    QLabel* m_model;
    QLabel* m_path;
    QWidget* m_factsBox;
    QFormLayout* m_facts;
    QLabel* m_status;
    QProgressBar* m_progress;
    QPushButton* m_cancel;
    QLabel* m_error;
    QWidget* m_demoBox;
    QLabel* m_demoText;
    QPushButton* m_demoButton;
    QPushButton* m_hubButton;
    QPushButton* m_open;
    QPushButton* m_recent;
    QMenu* m_recentMenu;
};

} // namespace captioner::ui
