#include "app/gui/report_pdf.h"

#include <QImage>
#include <QPageLayout>
#include <QPageSize>
#include <QPdfWriter>
#include <QSaveFile>
#include <QTextDocument>
#include <QUrl>

#include <memory>

namespace studio::app {

QTextDocument* reportDocument(const std::string& html) {
    auto* doc = new QTextDocument;
    const QString text = QString::fromStdString(html);
    const QString head = QStringLiteral("src=\"data:image/png;base64,");
    for (qsizetype p = text.indexOf(head); p >= 0; p = text.indexOf(head, p + 1)) {
        const qsizetype start = p + 5;  // the URI, after src="
        const qsizetype end = text.indexOf('"', start);
        if (end < 0) break;
        const QString uri = text.mid(start, end - start);
        const QByteArray b64 = uri.mid(head.size() - 5).toLatin1();
        const QImage image = QImage::fromData(QByteArray::fromBase64(b64), "PNG");
        if (!image.isNull()) doc->addResource(QTextDocument::ImageResource, QUrl(uri), image);
    }
    doc->setHtml(text);
    return doc;
}

QString writeReportPdf(const std::string& html, const QString& path) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) return QStringLiteral("Cannot write %1: %2").arg(path, file.errorString());
    {
        QPdfWriter writer(&file);
        writer.setPageSize(QPageSize(QPageSize::A4));
        writer.setPageMargins(QMarginsF(12, 12, 12, 12), QPageLayout::Millimeter);
        writer.setResolution(110);  // the report's 640-px charts fill the text width
        writer.setTitle(QStringLiteral("Run report"));
        writer.setCreator(QStringLiteral("Training Studio"));
        std::unique_ptr<QTextDocument> doc(reportDocument(html));
        doc->print(&writer);
    }
    if (!file.commit()) return QStringLiteral("Cannot write %1: %2").arg(path, file.errorString());
    return {};
}

}  // namespace studio::app
