#pragma once
// TrainingForm is the recipe as a form: model, dataset and output folders, device and precision,
// and the guide's hyper-parameters pre-filled (or the tiny demo model's). It only edits values;
// TrainPage validates and starts them.
#include "core_metatypes.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QLineEdit;
class QSpinBox;

namespace captioner::ui {

class TrainingForm : public QWidget {
    Q_OBJECT
public:
    explicit TrainingForm(QWidget* parent = nullptr);

    // The form's values over the core's defaults (what the form does not show stays as
    // captioner::TrainingOptions has it).
    captioner::TrainingOptions options() const;
    void setOptions(const captioner::TrainingOptions& options); // the folders included
    void setRecipe(const captioner::TrainingOptions& recipe);   // everything but the folders

    QString modelFolder() const;
    QString datasetPath() const;
    QString outputFolder() const;
    void setModelFolder(const QString& folder);
    void setDatasetPath(const QString& path);
    void setOutputFolder(const QString& folder);

signals:
    void foldersChanged();
    void showRunRequested(); // show the charts of the run already in the output folder

private:
    QLineEdit* addFolder(QFormLayout* form, const QString& label, const QString& name, const QString& description,
                         bool file);
    QSpinBox* addInt(QFormLayout* form, const QString& label, const QString& name, const QString& description, int min,
                     int max);
    QDoubleSpinBox* addDouble(QFormLayout* form, const QString& label, const QString& name, const QString& description,
                              double min, double max, int decimals);

    QLineEdit* m_model;
    QLineEdit* m_data;
    QLineEdit* m_output;
    QComboBox* m_device;
    QComboBox* m_precision;
    QComboBox* m_scheduler;
    QDoubleSpinBox* m_learningRate;
    QDoubleSpinBox* m_warmup;
    QDoubleSpinBox* m_weightDecay;
    QSpinBox* m_epochs;
    QSpinBox* m_batch;
    QSpinBox* m_accumulation;
    QSpinBox* m_dataParallel;
    QSpinBox* m_maxSteps;
    QSpinBox* m_loggingSteps;
    QSpinBox* m_evalSteps;
    QSpinBox* m_saveSteps;
    QSpinBox* m_saveLimit;
    QSpinBox* m_evalGenerate;
    QSpinBox* m_seed;
    QCheckBox* m_resume;
};

} // namespace captioner::ui
