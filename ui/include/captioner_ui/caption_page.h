#pragma once
// CaptionPage turns dropped images into alt text with the chosen GIT model. Images arrive by drag and
// drop (files or folders, recursively), paste (image data, file URLs or paths), the Add Images… and
// Add Folder… dialogs, or the command line (captionFiles). Each becomes a card (thumbnail, caption,
// time, Copy/Speak/Re-caption/Remove) in a keyboard-navigable list. The captioning itself — a worker
// on its own thread, a few images per job, one job at a time, images waiting for a model, cancel, and
// the folder progress files that let an interrupted folder resume — is the page's CaptionQueue
// (caption_queue.h); the page shows its items as cards and announces what it reports. The side panel
// holds the model panel (setModelPanel), the decoding options and the export commands (CSV, JSON
// Lines, sidecar .txt, add to dataset).
#include <QVector>
#include <QList>
#include <QPair>
#include <QPointer>
#include <QStringList>
#include <QWidget>

#include <functional>
#include <memory>

class QAction;
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QScrollArea;
class QSpinBox;
class QTextToSpeech;
class QVBoxLayout;

namespace captioner {
struct GitCheckpoint;
}

namespace captioner::ui {

class CaptionCard;
class CaptionComparer;
class CaptionQueue;
struct CompareSummary;
struct CaptionRecord;

class CaptionPage : public QWidget {
    Q_OBJECT
public:
    explicit CaptionPage(QWidget* parent = nullptr);
    ~CaptionPage() override;

    // The model to caption with (nullptr: none; new images then wait). A running job finishes its
    // current batch with the model it started with; its unfinished images go to the new model.
    void setModel(std::shared_ptr<captioner::GitCheckpoint> model, const QString& folder);
    bool hasModel() const;
    QString modelFolder() const;
    // Puts the model panel at the top of the side panel, above the decoding options.
    void setModelPanel(QWidget* panel);
    // Re-reads AppSettings (thumbnail size).
    void applySettings();

    // True while the page has no results (the drop zone is all there is).
    bool isEmptyStateShown() const;
    bool isBusy() const;
    QList<CaptionCard*> cards() const;
    QWidget* dropZone() const { return m_dropZone; }
    // Commands with their shortcuts, for the main window's Caption menu (and the shortcuts list).
    QList<QAction*> menuActions() const;
    QString statusText() const;
    QVector<CaptionRecord> records() const;

    // Writes every result as CSV or JSON Lines (by the extension: .jsonl / .json = JSON Lines);
    // false and a message naming the file when it fails.
    bool exportTo(const QString& path, QString* error = nullptr);
    // Writes each caption to <image stem>.txt beside its image, asking before replacing existing files.
    // Returns how many files were written.
    int writeSidecars();

    // The compare view: the page's captioned images are captioned again with the model in `folder`
    // (loaded and run off the UI thread, with the page's decoding options); each card then shows both
    // captions, their word differences and both confidences. Where the reference lookup knows captions
    // for the images (a dataset's), the compare box shows both models' WER, ROUGE-L, BLEU-4 and CIDEr-D
    // (the trainer's definitions) and the comparison can be exported.
    void compareWithModel(const QString& folder);
    bool isComparing() const;           // a compare model is loading or captioning
    bool hasComparison() const;         // a compare view is shown
    QString compareModelFolder() const; // "" without a compare view
    QWidget* compareBox() const { return m_compareBox; }
    QString compareSummaryText() const;
    // The images' reference captions, one list per image (an empty list: none). The main window looks
    // them up in the dataset browser's open dataset.
    using ReferenceLookup = std::function<QVector<QStringList>(const QStringList& images)>;
    void setReferenceLookup(ReferenceLookup lookup);
    // One row per compared image (image, references, both captions and confidences, differs) as CSV or
    // JSON Lines by the extension (captioner::writeComparison); false and a message naming the file
    // when it fails.
    bool exportComparison(const QString& path, QString* error = nullptr);

    // Tests answer file dialogs and questions through these instead of native dialogs.
    enum class Answer { Overwrite, SkipExisting, Cancel };
    struct TestHooks {
        // purpose: "images", "folder", "export", "compare-model", "compare-export"
        std::function<QStringList(const QString& purpose)> chooseFiles;
        std::function<Answer(const QString& question)> ask;
    };
    static void setTestHooks(TestHooks hooks);
    // Images per job (what a cancel or model change waits for) and per forward pass (the compare view's
    // too); 8 and automatic (the compare view: 4) unless set. Tests use 1 and 1 to interrupt early.
    void setJobSize(int imagesPerJob, int imagesPerPass);

public slots:
    // Adds images and folders (folders recursively) and captions them.
    void captionFiles(const QStringList& paths);
    void addFolder(const QString& folder);
    void chooseImages();
    void chooseFolder();
    void chooseExport();
    void paste();
    void recaptionAll();
    // Esc (Cancel Captioning): stops what runs on the page, the captioning and a running comparison
    // (a card showing a word's heatmap takes Esc first, to clear it).
    void cancel();
    // Stops a running comparison without waiting: while its model loads, nothing is compared; while it
    // captions, the images it has captioned stay compared and the others say it was cancelled.
    void cancelComparison();
    void clearResults();
    void addToDataset();
    void chooseCompareModel();
    void chooseCompareExport();
    void closeComparison();

signals:
    void openModelRequested();
    // A caption (or error) is ready; the text is what screen readers are told.
    void message(const QString& text);
    void captionReady(const QString& image);
    void busyChanged(bool busy);
    // The compare model has captioned every image (or failed or was cancelled) and the summary is up to date.
    void comparisonFinished();
    // The compare model has captioned (or failed on) one more image.
    void compareResultReady(const QString& image);
    // Images with their captions for the dataset browser to take in for review, with each caption's
    // confidence (-1: unknown, e.g. restored) and its words' confidences.
    void addToDatasetRequested(const QStringList& images, const QStringList& captions,
                               const QVector<double>& confidences,
                               const QVector<QVector<QPair<QString, double>>>& words);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    QWidget* buildSidePanel();
    QWidget* buildDropZone();
    void createActions();
    CaptionCard* addCard(qint64 id, const QString& path);
    void addImages(const QStringList& images);
    void requestThumbnail(CaptionCard* card);
    void syncCard(qint64 id);
    void syncDecoding();
    void onResult(qint64 id);
    void onBatchFinished(bool cancelled, int captioned, int failed, int total);
    void onFolderListed(const QString& folder, int images, int skipped, int restored);
    void removeCard(CaptionCard* card);
    void navigate(CaptionCard* card, int step);
    // Orders the cards as the sort box says (order added, least or most confident first; cards without
    // a confidence after the others, in the order added) and the Tab order with them.
    void applySort();
    void copyCaption(CaptionCard* card);
    void speak(CaptionCard* card);
    CaptionCard* currentCard() const;
    CaptionCard* cardById(qint64 id) const;
    void updateProgress();
    void updateActions();
    QWidget* buildCompareBox(QWidget* parent);
    void syncComparison(CaptionCard* card);
    void onCompareFinished(bool cancelled);
    void showCompareSummary(const CompareSummary& summary);
    void updateCompareBox();
    void updateCancelAction();
    void announce(const QString& text);
    void setupSpeech();
    QStringList chooseFilesDialog(const QString& purpose);
    Answer askQuestion(const QString& question);
    static const TestHooks& hooks();

    CaptionQueue* m_queue; // the items, their states and results, the worker, folder progress

    QList<CaptionCard*> m_cards; // one per queue item, in the queue's order
    QPointer<CaptionCard> m_lastFocused;

    QTextToSpeech* m_speech = nullptr;
    bool m_speechAvailable = false;
    QString m_speechWhy;

    QWidget* m_dropZone;
    QWidget* m_sidePanel;
    QVBoxLayout* m_sideLayout;
    QWidget* m_modelPanel = nullptr;
    QWidget* m_fallbackModelBox;
    QLabel* m_modelLabel;
    QScrollArea* m_scroll;
    QWidget* m_cardsHost;
    QVBoxLayout* m_cardsLayout;
    QLabel* m_dropHint;
    QLabel* m_status;
    QComboBox* m_sort;
    QProgressBar* m_progress;
    QPushButton* m_cancel;
    QComboBox* m_method;
    QSpinBox* m_beams;
    QSpinBox* m_maxLength;
    QDoubleSpinBox* m_lengthPenalty;
    QCheckBox* m_skipCaptioned;
    QPushButton* m_recaptionAll;
    QPushButton* m_export;
    QPushButton* m_sidecars;
    QPushButton* m_toDataset;
    QPushButton* m_clear;
    QList<QAction*> m_actions;
    QAction* m_cancelAction = nullptr;
    QAction* m_recaptionAllAction = nullptr;
    QAction* m_exportAction = nullptr;
    QAction* m_sidecarAction = nullptr;
    QAction* m_datasetAction = nullptr;
    QAction* m_copyAction = nullptr;
    QAction* m_speakAction = nullptr;
    QAction* m_recaptionAction = nullptr;
    QAction* m_clearAction = nullptr;
    int m_thumbSide = 128;

    CaptionComparer* m_comparer = nullptr;
    std::shared_ptr<captioner::GitCheckpoint> m_compareModelA; // the page's model when the comparison began
    QString m_compareModelAFolder;
    ReferenceLookup m_referenceLookup;
    QVector<QStringList> references(const QStringList& images) const;
    QWidget* m_compareBox = nullptr;
    QLabel* m_compareStatus = nullptr;
    QLabel* m_compareMetrics = nullptr;
    QPushButton* m_compareButton = nullptr;
    QPushButton* m_compareExport = nullptr;
    QPushButton* m_compareClose = nullptr;
    QPushButton* m_compareCancel = nullptr;
    QAction* m_compareAction = nullptr;
    QAction* m_compareExportAction = nullptr;
    bool m_compareSummaryPending = false;
};

} // namespace captioner::ui
