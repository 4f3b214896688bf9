#include "training_charts.h"

#include "captioner_ui/locale_format.h"
#include "captioner_ui/theme.h"

#include <QCheckBox>
#include <QChart>
#include <QChartView>
#include <QCursor>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileDialog>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QMap>
#include <QMessageBox>
#include <QPainter>
#include <QPushButton>
#include <QSaveFile>
#include <QSet>
#include <QTextStream>
#include <QTimer>
#include <QToolTip>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <limits>

namespace captioner::ui {

struct TrainingCharts::Chart {
    QChart* chart = nullptr;
    QChartView* view = nullptr;
    QValueAxis* x = nullptr;
    QValueAxis* yLinear = nullptr;
    QLogValueAxis* yLog = nullptr;
    QList<QLineSeries*> series;
};

namespace {
// A 1, 2 or 5 times a power of ten that cuts `span` into about five parts: ticks at round values
// inside the data's own range, so the lines use the whole chart.
double niceStep(double span) {
    if (!(span > 0)) return 1;
    const double raw = span / 5;
    const double power = std::pow(10.0, std::floor(std::log10(raw)));
    const double f = raw / power;
    return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * power;
}

const char* kKeys[] = {"loss", "loss_smoothed", "learning_rate", "eval_loss", "eval_wer", "eval_wer_teacher_forced"};
} // namespace

TrainingCharts::TrainingCharts(QWidget* parent) : QWidget(parent), m_flushTimer(new QTimer(this)) {
    // Appending to a QLineSeries and moving the axes relayouts the chart at once (~3 ms per chart here):
    // points are collected and drawn together, a few times a second, however fast the steps come.
    m_flushTimer->setSingleShot(true);
    m_flushTimer->setInterval(200);
    connect(m_flushTimer, &QTimer::timeout, this, &TrainingCharts::flush);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* controls = new QHBoxLayout;
    m_logBox = new QCheckBox(tr("&Log scale"), this);
    m_logBox->setObjectName(QStringLiteral("chartsLogScale"));
    m_logBox->setAccessibleName(tr("Log scale"));
    m_logBox->setAccessibleDescription(tr("Show the y axes of the charts on a logarithmic scale"));
    connect(m_logBox, &QCheckBox::toggled, this, &TrainingCharts::setLogScale);
    auto* smoothingLabel = new QLabel(tr("S&moothing:"), this);
    m_smoothing = new QDoubleSpinBox(this);
    m_smoothing->setObjectName(QStringLiteral("chartsSmoothing"));
    m_smoothing->setRange(0.0, 0.99);
    m_smoothing->setSingleStep(0.05);
    m_smoothing->setValue(0.6);
    m_smoothing->setAccessibleName(tr("Smoothing"));
    m_smoothing->setAccessibleDescription(
        tr("Weight of the exponential moving average of the smoothed training loss, as in TensorBoard"));
    smoothingLabel->setBuddy(m_smoothing);
    for (QLineEdit* edit : m_smoothing->findChildren<QLineEdit*>()) { // the spin box's editor takes focus too
        edit->setAccessibleName(m_smoothing->accessibleName());
        edit->setAccessibleDescription(m_smoothing->accessibleDescription());
    }
    connect(m_smoothing, &QDoubleSpinBox::valueChanged, this, &TrainingCharts::recomputeSmoothed);
    auto* png = new QPushButton(tr("Export &PNG…"), this);
    png->setObjectName(QStringLiteral("chartsExportPng"));
    png->setAccessibleName(tr("Export charts as PNG"));
    png->setAccessibleDescription(tr("Save the four charts as one PNG image"));
    connect(png, &QPushButton::clicked, this, &TrainingCharts::chooseExportPng);
    auto* csv = new QPushButton(tr("Export &CSV…"), this);
    csv->setObjectName(QStringLiteral("chartsExportCsv"));
    csv->setAccessibleName(tr("Export chart data as CSV"));
    csv->setAccessibleDescription(tr("Save every charted value, one row per step, as a CSV file"));
    connect(csv, &QPushButton::clicked, this, &TrainingCharts::chooseExportCsv);
    controls->addWidget(m_logBox);
    controls->addWidget(smoothingLabel);
    controls->addWidget(m_smoothing);
    controls->addStretch();
    controls->addWidget(png);
    controls->addWidget(csv);
    layout->addLayout(controls);

    auto* grid = new QGridLayout;
    grid->setSpacing(2);
    Chart* loss = makeChart(tr("Training loss"), tr("loss"));
    addSeries(loss, QStringLiteral("loss"), tr("loss"));
    addSeries(loss, QStringLiteral("loss_smoothed"), tr("smoothed"));
    Chart* evalLoss = makeChart(tr("Eval loss"), tr("loss"));
    addSeries(evalLoss, QStringLiteral("eval_loss"), tr("eval loss"));
    Chart* wer = makeChart(tr("Eval WER"), tr("WER"));
    addSeries(wer, QStringLiteral("eval_wer"), tr("generated captions"));
    addSeries(wer, QStringLiteral("eval_wer_teacher_forced"), tr("teacher-forced (guide's metric)"));
    Chart* lr = makeChart(tr("Learning rate"), tr("rate"));
    addSeries(lr, QStringLiteral("learning_rate"), tr("learning rate"));
    for (int i = 0; i < m_charts.size(); ++i) grid->addWidget(m_charts[i]->view, i / 2, i % 2);
    layout->addLayout(grid, 1);
    // The raw loss is drawn faint under its smoothed line, as TensorBoard does.
    QPen raw = m_series[QStringLiteral("loss")]->pen();
    raw.setColor(QColor(31, 119, 180, 90));
    m_series[QStringLiteral("loss")]->setPen(raw);
    QPen smooth(QColor(31, 119, 180));
    smooth.setWidthF(2);
    m_series[QStringLiteral("loss_smoothed")]->setPen(smooth);
    applyPalette();
}

void TrainingCharts::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) applyPalette();
}

void TrainingCharts::applyPalette() {
    // Qt Charts paints its own light theme whatever the palette: on a dark or high-contrast palette
    // the text and grid would vanish, so they are taken from the palette instead.
    const QPalette p = palette();
    const QColor text = p.color(QPalette::Text), base = p.color(QPalette::Base);
    auto mix = [&](double t) {
        return QColor::fromRgbF(base.redF() + (text.redF() - base.redF()) * t,
                                base.greenF() + (text.greenF() - base.greenF()) * t,
                                base.blueF() + (text.blueF() - base.blueF()) * t);
    };
    for (Chart* c : std::as_const(m_charts)) {
        c->chart->setBackgroundBrush(base);
        c->chart->setTitleBrush(text);
        c->chart->legend()->setLabelColor(text);
        for (QAbstractAxis* axis : {static_cast<QAbstractAxis*>(c->x), static_cast<QAbstractAxis*>(c->yLinear),
                                    static_cast<QAbstractAxis*>(c->yLog)}) {
            axis->setLabelsColor(text);
            axis->setTitleBrush(text);
            axis->setGridLineColor(mix(0.22));
            axis->setMinorGridLineColor(mix(0.1));
            axis->setLinePenColor(mix(0.5));
        }
    }
    // The loss's blue, lighter on a dark ground.
    const QColor blue = isDarkPalette(p) ? QColor(110, 175, 235) : QColor(31, 119, 180);
    QPen raw = m_series[QStringLiteral("loss")]->pen();
    QColor faint = blue;
    faint.setAlpha(90);
    raw.setColor(faint);
    m_series[QStringLiteral("loss")]->setPen(raw);
    QPen smooth = m_series[QStringLiteral("loss_smoothed")]->pen();
    smooth.setColor(blue);
    m_series[QStringLiteral("loss_smoothed")]->setPen(smooth);
}

TrainingCharts::~TrainingCharts() { qDeleteAll(m_charts); }

TrainingCharts::Chart* TrainingCharts::makeChart(const QString& title, const QString& yTitle) {
    auto* c = new Chart;
    c->chart = new QChart;
    c->chart->setTitle(title);
    c->chart->setMargins(QMargins(4, 4, 4, 4));
    c->chart->legend()->setAlignment(Qt::AlignBottom);
    // Axis labels in the user's locale ("1,000", de "0,25"); the CSV export stays in C notation.
    c->chart->setLocale(displayLocale());
    c->chart->setLocalizeNumbers(true);
    c->x = new QValueAxis;
    c->x->setTitleText(tr("step"));
    c->x->setLabelFormat(QStringLiteral("%.0f"));
    c->x->setTickType(QValueAxis::TicksDynamic);
    c->x->setTickAnchor(0);
    c->yLinear = new QValueAxis;
    c->yLinear->setTitleText(yTitle);
    c->yLinear->setLabelFormat(QStringLiteral("%.3g"));
    c->yLinear->setTickType(QValueAxis::TicksDynamic);
    c->yLinear->setTickAnchor(0);
    c->yLog = new QLogValueAxis;
    c->yLog->setTitleText(yTitle);
    c->yLog->setLabelFormat(QStringLiteral("%.3g"));
    c->yLog->setMinorTickCount(-1);
    c->yLog->setParent(c->chart); // owned by the chart while it is not shown
    c->chart->addAxis(c->x, Qt::AlignBottom);
    c->chart->addAxis(c->yLinear, Qt::AlignLeft);
    c->view = new QChartView(c->chart, this);
    c->view->setRenderHint(QPainter::Antialiasing);
    c->view->setMinimumSize(180, 120);
    c->view->setAccessibleName(title);
    c->view->setAccessibleDescription(tr("Chart of %1 by step; hover a line to read its values").arg(title.toLower()));
    c->view->setFocusPolicy(Qt::NoFocus);
    c->view->viewport()->setFocusPolicy(Qt::NoFocus); // hover works without focus; Tab skips the charts
    m_charts.append(c);
    return c;
}

QLineSeries* TrainingCharts::addSeries(Chart* chart, const QString& key, const QString& name) {
    auto* series = new QLineSeries;
    series->setName(name);
    series->setObjectName(key);
    chart->chart->addSeries(series);
    series->attachAxis(chart->x);
    series->attachAxis(chart->yLinear);
    chart->series.append(series);
    m_series.insert(key, series);
    m_chartOf.insert(key, chart);
    connect(series, &QLineSeries::hovered, this, [this, series](const QPointF& point, bool state) {
        if (!state) return QToolTip::hideText();
        // Report the logged point nearest to the pointer, not the interpolated position on the line.
        const QList<QPointF> points = series->points();
        auto it = std::lower_bound(points.begin(), points.end(), point.x(),
                                   [](const QPointF& p, double x) { return p.x() < x; });
        if (it == points.end() || (it != points.begin() && point.x() - (it - 1)->x() < it->x() - point.x())) --it;
        if (it < points.begin() || it == points.end()) return;
        QToolTip::showText(
            QCursor::pos(),
            tr("%1\nstep %2: %3").arg(series->name(), formatCount(qint64(it->x())), formatSignificant(it->y(), 5)),
            this);
    });
    return series;
}

void TrainingCharts::append(const QString& key, qint64 step, double value) {
    if (!std::isfinite(value)) return;
    m_pending[key].append(QPointF(double(step), value));
    if (!m_flushTimer->isActive()) m_flushTimer->start();
}

void TrainingCharts::flush() {
    m_flushTimer->stop();
    QSet<Chart*> touched;
    for (auto it = m_pending.cbegin(); it != m_pending.cend(); ++it) {
        if (it.value().isEmpty()) continue;
        m_series[it.key()]->append(it.value());
        touched.insert(m_chartOf[it.key()]);
    }
    m_pending.clear();
    for (Chart* c : std::as_const(touched)) rescale(c);
}

void TrainingCharts::addStep(qint64 step, double loss, double learningRate) {
    append(QStringLiteral("loss"), step, loss);
    if (std::isfinite(loss)) {
        const double w = m_smoothing->value();
        m_ema = m_ema * w + (1 - w) * loss;
        ++m_emaCount;
        append(QStringLiteral("loss_smoothed"), step,
               m_ema / (1 - std::pow(w, m_emaCount))); // debiased, as TensorBoard
    }
    append(QStringLiteral("learning_rate"), step, learningRate);
}

void TrainingCharts::addEval(qint64 step, double loss, double wer, double werTeacherForced) {
    append(QStringLiteral("eval_loss"), step, loss);
    append(QStringLiteral("eval_wer"), step, wer);
    append(QStringLiteral("eval_wer_teacher_forced"), step, werTeacherForced);
}

void TrainingCharts::recomputeSmoothed() {
    flush();
    const QList<QPointF> raw = m_series[QStringLiteral("loss")]->points();
    const double w = m_smoothing->value();
    QList<QPointF> smoothed;
    m_ema = 0;
    m_emaCount = 0;
    for (const QPointF& p : raw) {
        m_ema = m_ema * w + (1 - w) * p.y();
        ++m_emaCount;
        smoothed.append({p.x(), m_ema / (1 - std::pow(w, m_emaCount))});
    }
    m_series[QStringLiteral("loss_smoothed")]->replace(smoothed);
    rescale(m_chartOf[QStringLiteral("loss")]);
}

void TrainingCharts::truncateAfter(qint64 step) {
    flush();
    bool changed = false;
    for (QLineSeries* s : std::as_const(m_series)) {
        int keep = s->count();
        while (keep > 0 && s->at(keep - 1).x() > double(step)) --keep;
        if (keep == s->count()) continue;
        s->removePoints(keep, s->count() - keep);
        changed = true;
    }
    if (!changed) return;
    recomputeSmoothed(); // the running average must restart from the points that stay
    for (Chart* c : std::as_const(m_charts)) rescale(c);
}

void TrainingCharts::clear() {
    m_pending.clear();
    m_flushTimer->stop();
    for (QLineSeries* s : std::as_const(m_series)) s->clear();
    m_ema = 0;
    m_emaCount = 0;
    for (Chart* c : std::as_const(m_charts)) rescale(c);
}

void TrainingCharts::rescale(Chart* c) {
    // Every chart spans the same steps (the newest of any series), so eval points line up with training.
    double maxX = 1;
    for (QLineSeries* s : std::as_const(m_series))
        if (s->count() > 0) maxX = std::max(maxX, s->at(s->count() - 1).x());
    double minY = std::numeric_limits<double>::max(), maxY = std::numeric_limits<double>::lowest();
    double minPositive = std::numeric_limits<double>::max();
    for (QLineSeries* s : std::as_const(c->series)) {
        const QList<QPointF> points = s->points();
        for (const QPointF& p : points) {
            minY = std::min(minY, p.y());
            maxY = std::max(maxY, p.y());
            if (p.y() > 0) minPositive = std::min(minPositive, p.y());
        }
    }
    for (Chart* other : std::as_const(m_charts)) {
        other->x->setRange(0, maxX);
        other->x->setTickInterval(std::max(1.0, niceStep(maxX)));
    }
    if (minY > maxY) { // no data yet
        c->yLinear->setRange(0, 1);
        c->yLog->setRange(0.01, 1);
        return;
    }
    const double pad = std::max((maxY - minY) * 0.05, std::abs(maxY) * 0.02 + 1e-12);
    const double low = minY >= 0 ? std::max(0.0, minY - pad) : minY - pad;
    c->yLinear->setRange(low, maxY + pad);
    c->yLinear->setTickInterval(niceStep(maxY + pad - low));
    if (minPositive <= maxY) c->yLog->setRange(minPositive / 1.25, maxY * 1.25);
}

void TrainingCharts::setLogScale(bool on) {
    if (m_logScale == on) return;
    m_logScale = on;
    m_logBox->setChecked(on);
    for (Chart* c : std::as_const(m_charts)) applyAxis(c);
}

void TrainingCharts::applyAxis(Chart* c) {
    QAbstractAxis* from = m_logScale ? static_cast<QAbstractAxis*>(c->yLinear) : c->yLog;
    QAbstractAxis* to = m_logScale ? static_cast<QAbstractAxis*>(c->yLog) : c->yLinear;
    for (QLineSeries* s : std::as_const(c->series)) s->detachAxis(from);
    c->chart->removeAxis(from); // keeps ownership with us: removeAxis does not delete
    from->setParent(c->chart);
    c->chart->addAxis(to, Qt::AlignLeft);
    for (QLineSeries* s : std::as_const(c->series)) s->attachAxis(to);
    rescale(c);
}

int TrainingCharts::pointCount(const QString& series) const {
    QLineSeries* s = m_series.value(series);
    return s ? int(s->count() + m_pending.value(series).size()) : -1;
}

bool TrainingCharts::exportCsv(const QString& file) const {
    const_cast<TrainingCharts*>(this)->flush(); // the pending points belong in the file
    QMap<qint64, QHash<QString, double>> rows;
    for (const char* key : kKeys) {
        const QList<QPointF> points = m_series[QLatin1String(key)]->points();
        for (const QPointF& p : points) rows[qint64(p.x())].insert(QLatin1String(key), p.y());
    }
    QSaveFile out(file);
    if (!out.open(QIODevice::WriteOnly | QIODevice::Text)) return false;
    QTextStream stream(&out);
    stream << "step";
    for (const char* key : kKeys) stream << ',' << key;
    stream << '\n';
    for (auto it = rows.cbegin(); it != rows.cend(); ++it) {
        stream << it.key();
        for (const char* key : kKeys) {
            stream << ',';
            const auto v = it.value().constFind(QLatin1String(key));
            if (v != it.value().cend()) stream << QString::number(*v, 'g', 8);
        }
        stream << '\n';
    }
    stream.flush();
    return out.commit();
}

bool TrainingCharts::exportPng(const QString& file) const {
    const_cast<TrainingCharts*>(this)->flush();
    const QSize cell(640, 400);
    QImage image(cell.width() * 2, cell.height() * 2, QImage::Format_RGB32);
    image.fill(Qt::white);
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);
    for (int i = 0; i < m_charts.size(); ++i) {
        const QRect target(QPoint((i % 2) * cell.width(), (i / 2) * cell.height()), cell);
        m_charts[i]->view->render(&painter, target);
    }
    painter.end();
    return image.save(file, "PNG");
}

void TrainingCharts::chooseExportPng() {
    const QString file = QFileDialog::getSaveFileName(this, tr("Export Charts"), QStringLiteral("training-charts.png"),
                                                      tr("PNG images (*.png)"));
    if (!file.isEmpty() && !exportPng(file))
        QMessageBox::warning(this, tr("Export Charts"), tr("Could not write %1.").arg(QDir::toNativeSeparators(file)));
}

void TrainingCharts::chooseExportCsv() {
    const QString file = QFileDialog::getSaveFileName(this, tr("Export Chart Data"),
                                                      QStringLiteral("training-metrics.csv"), tr("CSV files (*.csv)"));
    if (!file.isEmpty() && !exportCsv(file))
        QMessageBox::warning(this, tr("Export Chart Data"),
                             tr("Could not write %1.").arg(QDir::toNativeSeparators(file)));
}

} // namespace captioner::ui
