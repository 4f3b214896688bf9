#include "captioner_ui/theme.h"

#include <QApplication>
#include <QColor>
#include <QPainter>
#include <QProxyStyle>
#include <QStyleFactory>
#include <QStyleOption>
#include <QWidget>

namespace captioner::ui {

namespace {

const QString kSystem = QStringLiteral("system");
const QString kLight = QStringLiteral("light");
const QString kDark = QStringLiteral("dark");
const QString kHighContrast = QStringLiteral("high-contrast");

// What "system" goes back to, captured before the first theme replaces it.
struct Platform {
    bool captured = false;
    QString styleName;
    QPalette palette;
};
Platform& platform() {
    static Platform p;
    return p;
}
QString& current() {
    static QString name = kSystem;
    return name;
}

// Fusion with a focus frame that shows in every theme: Fusion's own is a thin, light line that
// vanishes on dark and high-contrast grounds.
class ThemeStyle : public QProxyStyle {
public:
    ThemeStyle(int focusWidth)
        : QProxyStyle(QStyleFactory::create(QStringLiteral("Fusion"))), m_focusWidth(focusWidth) {}

    void drawPrimitive(PrimitiveElement element, const QStyleOption* option, QPainter* painter,
                       const QWidget* widget) const override {
        if (element == PE_FrameFocusRect) {
            painter->save();
            QPen pen(option->palette.color(QPalette::Highlight), m_focusWidth);
            pen.setJoinStyle(Qt::MiterJoin);
            painter->setPen(pen);
            painter->setBrush(Qt::NoBrush);
            const qreal inset = m_focusWidth / 2.0;
            painter->drawRect(QRectF(option->rect).adjusted(inset, inset, -inset, -inset));
            painter->restore();
            return;
        }
        QProxyStyle::drawPrimitive(element, option, painter, widget);
    }

private:
    int m_focusWidth;
};

void setGroup(QPalette& p, QPalette::ColorGroup group, const QColor& window, const QColor& text, const QColor& base,
              const QColor& button, const QColor& highlight, const QColor& highlightedText) {
    p.setColor(group, QPalette::Window, window);
    p.setColor(group, QPalette::WindowText, text);
    p.setColor(group, QPalette::Base, base);
    p.setColor(group, QPalette::Text, text);
    p.setColor(group, QPalette::Button, button);
    p.setColor(group, QPalette::ButtonText, text);
    p.setColor(group, QPalette::Highlight, highlight);
    p.setColor(group, QPalette::HighlightedText, highlightedText);
}

QPalette lightPalette() {
    QPalette p;
    const QColor window(0xef, 0xef, 0xef), text(0x1a, 0x1a, 0x1a), base(0xff, 0xff, 0xff);
    const QColor highlight(0x2a, 0x6f, 0xbf), white(0xff, 0xff, 0xff);
    for (auto group : {QPalette::Active, QPalette::Inactive})
        setGroup(p, group, window, text, base, window, highlight, white);
    setGroup(p, QPalette::Disabled, window, QColor(0x80, 0x80, 0x80), window, window, QColor(0x9a, 0xb6, 0xd6), white);
    p.setColor(QPalette::AlternateBase, QColor(0xf5, 0xf5, 0xf5));
    p.setColor(QPalette::ToolTipBase, QColor(0xff, 0xff, 0xdc));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0x6e, 0x6e, 0x6e));
    p.setColor(QPalette::BrightText, white);
    p.setColor(QPalette::Light, white);
    p.setColor(QPalette::Midlight, QColor(0xe3, 0xe3, 0xe3));
    p.setColor(QPalette::Mid, QColor(0xb8, 0xb8, 0xb8));
    p.setColor(QPalette::Dark, QColor(0x9f, 0x9f, 0x9f));
    p.setColor(QPalette::Shadow, QColor(0x76, 0x76, 0x76));
    p.setColor(QPalette::Link, QColor(0x00, 0x5a, 0xc8));
    p.setColor(QPalette::LinkVisited, QColor(0x7b, 0x2f, 0xb5));
    return p;
}

QPalette darkPalette() {
    QPalette p;
    const QColor window(0x2b, 0x2b, 0x2b), text(0xe8, 0xe8, 0xe8), base(0x1e, 0x1e, 0x1e), button(0x35, 0x35, 0x35);
    const QColor highlight(0x2f, 0x74, 0xc0), white(0xff, 0xff, 0xff);
    for (auto group : {QPalette::Active, QPalette::Inactive})
        setGroup(p, group, window, text, base, button, highlight, white);
    setGroup(p, QPalette::Disabled, window, QColor(0x84, 0x84, 0x84), QColor(0x26, 0x26, 0x26), button,
             QColor(0x3c, 0x4e, 0x63), QColor(0xa0, 0xa0, 0xa0));
    p.setColor(QPalette::AlternateBase, QColor(0x26, 0x26, 0x26));
    p.setColor(QPalette::ToolTipBase, QColor(0x3c, 0x3c, 0x3c));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0x8c, 0x8c, 0x8c));
    p.setColor(QPalette::BrightText, QColor(0xff, 0x6b, 0x6b));
    p.setColor(QPalette::Light, QColor(0x4a, 0x4a, 0x4a));
    p.setColor(QPalette::Midlight, QColor(0x3e, 0x3e, 0x3e));
    p.setColor(QPalette::Mid, QColor(0x24, 0x24, 0x24));
    p.setColor(QPalette::Dark, QColor(0x1a, 0x1a, 0x1a));
    p.setColor(QPalette::Shadow, QColor(0x00, 0x00, 0x00));
    p.setColor(QPalette::Link, QColor(0x6c, 0xb4, 0xff));
    p.setColor(QPalette::LinkVisited, QColor(0xc3, 0x9b, 0xff));
    return p;
}

// White on black, yellow selection and focus, cyan links: the colours of Windows' "High Contrast
// Black", which low-vision users know.
QPalette highContrastPalette() {
    QPalette p;
    const QColor black(0x00, 0x00, 0x00), white(0xff, 0xff, 0xff), yellow(0xff, 0xff, 0x00);
    for (auto group : {QPalette::Active, QPalette::Inactive})
        setGroup(p, group, black, white, black, black, yellow, black);
    setGroup(p, QPalette::Disabled, black, QColor(0xa0, 0xa0, 0xa0), black, black, QColor(0xa0, 0xa0, 0x00), black);
    p.setColor(QPalette::AlternateBase, QColor(0x1c, 0x1c, 0x1c));
    p.setColor(QPalette::ToolTipBase, black);
    p.setColor(QPalette::ToolTipText, white);
    p.setColor(QPalette::PlaceholderText, QColor(0xc0, 0xc0, 0xc0));
    p.setColor(QPalette::BrightText, yellow);
    p.setColor(QPalette::Light, white);
    p.setColor(QPalette::Midlight, white);
    p.setColor(QPalette::Mid, QColor(0xc0, 0xc0, 0xc0));
    p.setColor(QPalette::Dark, white);
    p.setColor(QPalette::Shadow, white);
    p.setColor(QPalette::Link, QColor(0x00, 0xff, 0xff));
    p.setColor(QPalette::LinkVisited, QColor(0xff, 0x80, 0xff));
    return p;
}

// Fusion derives its frame lines from the window colour, which leaves none on black: draw them.
const char* kHighContrastSheet =
    "QPushButton, QToolButton, QComboBox, QLineEdit, QSpinBox, QDoubleSpinBox, QPlainTextEdit, QTextEdit,"
    " QAbstractItemView, QGroupBox { border: 2px solid #ffffff; }"
    "QPushButton, QToolButton { padding: 3px 8px; }"
    "QPushButton:focus, QToolButton:focus, QComboBox:focus, QLineEdit:focus, QSpinBox:focus, QDoubleSpinBox:focus,"
    " QPlainTextEdit:focus, QTextEdit:focus, QAbstractItemView:focus { border: 3px solid #ffff00; }"
    "QPushButton:disabled, QToolButton:disabled, QComboBox:disabled, QLineEdit:disabled, QSpinBox:disabled,"
    " QDoubleSpinBox:disabled { border: 2px dashed #a0a0a0; }"
    "QCheckBox:focus, QRadioButton:focus { color: #ffff00; }"
    "QCheckBox::indicator, QRadioButton::indicator { width: 14px; height: 14px; border: 2px solid #ffffff;"
    " background: #000000; }"
    "QRadioButton::indicator { border-radius: 9px; }"
    "QCheckBox::indicator:checked, QRadioButton::indicator:checked { background: #ffff00; border-color: #ffff00; }"
    "QCheckBox::indicator:indeterminate { background: #a0a0a0; }"
    "QCheckBox::indicator:disabled, QRadioButton::indicator:disabled { border: 2px dashed #a0a0a0; }"
    "QTabBar::tab { border: 2px solid #ffffff; padding: 4px 10px; }"
    "QTabBar::tab:selected { background: #ffff00; color: #000000; }"
    "QGroupBox { margin-top: 1.2em; padding-top: 4px; }"
    "QGroupBox::title { subcontrol-origin: margin; left: 8px; }";

QString normalised(const QString& theme) { return themeNames().contains(theme) ? theme : kSystem; }

} // namespace

QStringList themeNames() { return {kSystem, kLight, kDark, kHighContrast}; }

QString themeDisplayName(const QString& theme) {
    if (theme == kLight) return QApplication::translate("Theme", "Light");
    if (theme == kDark) return QApplication::translate("Theme", "Dark");
    if (theme == kHighContrast) return QApplication::translate("Theme", "High contrast");
    return QApplication::translate("Theme", "System");
}

QPalette themePalette(const QString& theme) {
    const QString t = normalised(theme);
    if (t == kLight) return lightPalette();
    if (t == kDark) return darkPalette();
    if (t == kHighContrast) return highContrastPalette();
    return platform().captured ? platform().palette : QApplication::palette();
}

void applyTheme(const QString& theme) {
    const QString t = normalised(theme);
    Platform& p = platform();
    if (!p.captured) {
        p.captured = true;
        p.styleName = QApplication::style() ? QApplication::style()->name() : QString();
        p.palette = QApplication::palette();
    }
    auto* app = qobject_cast<QApplication*>(QCoreApplication::instance());
    if (!app) return;
    if (t == kSystem && current() == kSystem) return; // nothing to restore: spare the app a re-polish
    if (t == kSystem) {
        if (app->styleSheet() == QLatin1String(kHighContrastSheet)) app->setStyleSheet(QString());
        QStyle* style = p.styleName.isEmpty() ? nullptr : QStyleFactory::create(p.styleName);
        if (style) QApplication::setStyle(style);
        QApplication::setPalette(p.palette);
    } else {
        QApplication::setStyle(new ThemeStyle(t == kHighContrast ? 3 : 2));
        QApplication::setPalette(themePalette(t));
        if (t == kHighContrast) app->setStyleSheet(QLatin1String(kHighContrastSheet));
        else if (app->styleSheet() == QLatin1String(kHighContrastSheet)) app->setStyleSheet(QString());
    }
    current() = t;
}

QString currentTheme() { return current(); }

bool isDarkPalette(const QPalette& palette) { return palette.color(QPalette::Window).lightness() < 128; }

} // namespace captioner::ui
