#include "captioner_ui/caption_page.h"

#include "empty_state.h"

#include <QDir>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QStackedLayout>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace captioner::ui {

namespace {
struct ExpectedFile {
    QStringList names; // any one of these
    bool required;
    const char* role;
};

// The files of a GitForCausalLM checkpoint as saved by Hugging Face (save_pretrained).
const ExpectedFile kExpected[] = {
    {{QStringLiteral("config.json")}, true, QT_TRANSLATE_NOOP("CaptionPage", "model configuration")},
    {{QStringLiteral("model.safetensors")}, true, QT_TRANSLATE_NOOP("CaptionPage", "weights")},
    {{QStringLiteral("vocab.txt"), QStringLiteral("tokenizer.json")}, true, QT_TRANSLATE_NOOP("CaptionPage", "tokenizer")},
    {{QStringLiteral("preprocessor_config.json")}, false,
     QT_TRANSLATE_NOOP("CaptionPage", "image preprocessing (CLIP defaults if missing)")},
};
} // namespace

CaptionPage::CaptionPage(QWidget* parent)
    : QWidget(parent), m_empty(new EmptyState(this)), m_content(new QWidget(this)), m_stack(new QStackedLayout),
      m_summary(new QLabel(m_content)), m_files(new QTreeWidget(m_content)) {
    m_empty->setTitle(tr("No model open"));
    m_empty->setText(tr("Open a model folder (Ctrl+Shift+O) to caption images: a Hugging Face GIT checkpoint "
                        "such as microsoft/git-base, with config.json, model.safetensors and vocab.txt."));
    QPushButton* open = m_empty->addButton(tr("Open &Model…"), tr("Choose a GIT model folder"));
    connect(open, &QPushButton::clicked, this, &CaptionPage::openModelRequested);

    m_summary->setWordWrap(true);
    m_files->setColumnCount(3);
    m_files->setHeaderLabels({tr("File"), tr("Purpose"), tr("Status")});
    m_files->setRootIsDecorated(false);
    m_files->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_files->setAccessibleName(tr("Model files"));
    m_files->setAccessibleDescription(tr("The files the model folder must contain and whether they were found"));
    QPushButton* other = new QPushButton(tr("Open Another &Model…"), m_content);
    other->setAccessibleName(tr("Open Another Model"));
    other->setAccessibleDescription(tr("Choose a different GIT model folder"));
    connect(other, &QPushButton::clicked, this, &CaptionPage::openModelRequested);

    auto* contentLayout = new QVBoxLayout(m_content);
    contentLayout->addWidget(m_summary);
    contentLayout->addWidget(m_files, 1);
    contentLayout->addWidget(other, 0, Qt::AlignLeft);

    m_stack->addWidget(m_empty);
    m_stack->addWidget(m_content);
    setLayout(m_stack);
}

bool CaptionPage::isEmptyStateShown() const { return m_stack->currentWidget() == m_empty; }

void CaptionPage::setModelFolder(const QString& folder) {
    m_folder = QDir(folder).absolutePath();
    m_files->clear();
    const QDir dir(m_folder);
    QStringList missing;
    for (const ExpectedFile& expected : kExpected) {
        QString found;
        for (const QString& name : expected.names) {
            if (QFileInfo(dir.filePath(name)).isFile()) {
                found = name;
                break;
            }
        }
        QString status;
        if (!found.isEmpty())
            status = tr("found, %1").arg(QLocale().formattedDataSize(QFileInfo(dir.filePath(found)).size()));
        else if (expected.required)
            status = tr("missing");
        else
            status = tr("not present");
        if (found.isEmpty() && expected.required) missing << expected.names.join(tr(" or "));
        auto* item = new QTreeWidgetItem(m_files, {found.isEmpty() ? expected.names.join(tr(" or ")) : found,
                                                   tr(expected.role), status});
        item->setData(0, Qt::AccessibleTextRole, item->text(0));
    }
    m_complete = missing.isEmpty();
    const QString where = QDir::toNativeSeparators(m_folder);
    m_summary->setText(m_complete ? tr("Model folder %1 has every file a GIT checkpoint needs.").arg(where)
                                  : tr("Model folder %1 is not a complete GIT checkpoint: missing %2.")
                                        .arg(where, missing.join(QStringLiteral(", "))));
    m_stack->setCurrentWidget(m_content);
}

} // namespace captioner::ui
