#pragma once
// TrainingCharts draws a run like TensorBoard's scalars page: training loss per step (raw and
// smoothed), eval loss, eval WER (generated and teacher-forced, labelled), learning rate. Axes follow
// the data, hovering a line shows the value under the pointer, the y axes switch to log scale, and
// each chart exports as PNG while the data exports as one CSV.
#include <QHash>
#include <QWidget>

class QCheckBox;
class QDoubleSpinBox;
class QLineSeries;
class QChartView;
class QPointF;
class QTimer;

namespace captioner::ui {

class TrainingCharts : public QWidget {
    Q_OBJECT
public:
    explicit TrainingCharts(QWidget* parent = nullptr);
    ~TrainingCharts() override;

    void clear();
    // Drops the points after `step`: a run resumed from an earlier checkpoint redoes those steps.
    void truncateAfter(qint64 step);
    void addStep(qint64 step, double loss, double learningRate);
    // NaN values are left out (WER of generated captions when none were generated).
    void addEval(qint64 step, double loss, double wer, double werTeacherForced);

    // Points of a series: "loss", "loss_smoothed", "eval_loss", "eval_wer", "eval_wer_teacher_forced", "learning_rate".
    // Points of a series, those waiting for the next redraw included.
    int pointCount(const QString& series) const;
    // Draws the points added since the last redraw now (otherwise at most a few times a second).
    void flush();
    void setLogScale(bool on);
    bool logScale() const { return m_logScale; }
    bool exportCsv(const QString& file) const;
    bool exportPng(const QString& file) const; // the four charts in one image

protected:
    // Follows theme changes: chart ground, text, grid and line colours come from the palette.
    void changeEvent(QEvent* event) override;

private:
    struct Chart;
    Chart* makeChart(const QString& title, const QString& yTitle);
    QLineSeries* addSeries(Chart* chart, const QString& key, const QString& name);
    void append(const QString& key, qint64 step, double value);
    void rescale(Chart* chart);
    void applyAxis(Chart* chart);
    void recomputeSmoothed();
    void chooseExportPng();
    void chooseExportCsv();
    void applyPalette();

    QList<Chart*> m_charts;
    QHash<QString, QLineSeries*> m_series;
    QHash<QString, QList<QPointF>> m_pending;
    QTimer* m_flushTimer;
    QHash<QString, Chart*> m_chartOf;
    QCheckBox* m_logBox;
    QDoubleSpinBox* m_smoothing;
    bool m_logScale = false;
    double m_ema = 0;
    int m_emaCount = 0;
};

} // namespace captioner::ui
