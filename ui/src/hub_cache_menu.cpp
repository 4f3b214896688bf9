// The Hugging Face cache in the model and dataset picker menus (see hub_dialogs.h).
#include "captioner_ui/hub_dialogs.h"

#include "captioner/hf_cache.h"

#include <QAction>
#include <QDir>
#include <QFileInfo>
#include <QMenu>

namespace captioner::ui {

int addHubCacheActions(QMenu* menu, bool wantModels, bool wantDatasets,
                       const std::function<void(const QString& snapshot, bool isModel)>& open) {
    // Refs and snapshot folders only (no walk through blobs or snapshot files): this runs on the UI
    // thread each time a picker menu opens.
    const auto repos = scanHfCache(hfHubCacheDir(), false);
    int added = 0;
    for (const bool models : {true, false}) {
        if (models ? !wantModels : !wantDatasets) continue;
        bool sectioned = false;
        for (const auto& repo : repos) {
            if (repo.type != (models ? HubRepoType::Model : HubRepoType::Dataset)) continue;
            const HfCachedSnapshot* snap = repo.preferredSnapshot();
            if (!snap) continue;
            const QString path = QString::fromStdString(snap->path);
            if (models && !QFileInfo::exists(QDir(path).filePath(QStringLiteral("config.json")))) continue;
            if (!sectioned) {
                menu->addSection(models ? QObject::tr("Hugging Face cache: models")
                                        : QObject::tr("Hugging Face cache: datasets"));
                sectioned = true;
            }
            const QString revision = snap->refs.empty() ? QString::fromStdString(snap->commit.substr(0, 8))
                                                        : QString::fromStdString(snap->refs.front());
            QAction* action =
                menu->addAction(QStringLiteral("%1 · %2").arg(QString::fromStdString(repo.repoId), revision));
            action->setToolTip(QDir::toNativeSeparators(path));
            action->setData(path);
            QObject::connect(action, &QAction::triggered, menu, [open, path, models] { open(path, models); });
            ++added;
        }
    }
    return added;
}

} // namespace captioner::ui
