#include "widgets/dropped_content.h"

#include <QBuffer>
#include <QDir>
#include <QFileInfo>
#include <QImage>
#include <QMimeData>
#include <algorithm>

namespace studio::widgets {
namespace {

// Encoded formats worth passing on untouched, most common first.
const QStringList& encodedImageTypes() {
    static const QStringList types{QStringLiteral("image/png"), QStringLiteral("image/jpeg"),
                                   QStringLiteral("image/jpg"), QStringLiteral("image/bmp"),
                                   QStringLiteral("image/gif"), QStringLiteral("image/webp")};
    return types;
}

bool isWebUrl(const QUrl& url) {
    const QString scheme = url.scheme().toLower();
    return !url.isLocalFile() && scheme != QLatin1String("data") && !url.host().isEmpty();
}

// "data:image/png;base64,iVBOR…" → the PNG bytes; anything else → empty.
QByteArray decodeDataUrl(const QUrl& url) {
    if (url.scheme().toLower() != QLatin1String("data")) return {};
    const QString text = url.toString(QUrl::FullyEncoded);
    const qsizetype comma = text.indexOf(QLatin1Char(','));
    if (comma < 0) return {};
    const QString header = text.left(comma).toLower();
    if (!header.startsWith(QLatin1String("data:image/")) || !header.endsWith(QLatin1String(";base64"))) return {};
    const auto decoded = QByteArray::fromBase64Encoding(QByteArray::fromPercentEncoding(text.mid(comma + 1).toLatin1()),
                                                        QByteArray::AbortOnBase64DecodingErrors);
    return decoded ? *decoded : QByteArray();
}

// A copied path or link arrives as text: accept one line that is clearly one of them.
QList<QUrl> urlsFromText(const QString& text) {
    const QString line = text.trimmed();
    if (line.isEmpty() || line.contains(QLatin1Char('\n'))) return {};
    if (line.startsWith(QLatin1String("http://"), Qt::CaseInsensitive) ||
        line.startsWith(QLatin1String("https://"), Qt::CaseInsensitive) ||
        line.startsWith(QLatin1String("file://"), Qt::CaseInsensitive) ||
        line.startsWith(QLatin1String("data:image/"), Qt::CaseInsensitive))
        return {QUrl(line)};
    if (QDir::isAbsolutePath(line) && QFileInfo::exists(line)) return {QUrl::fromLocalFile(line)};
    return {};
}

}  // namespace

QByteArray encodePng(const QImage& image) {
    if (image.isNull()) return {};
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return bytes;
}

bool hasDroppableContent(const QMimeData* mime) {
    if (!mime) return false;
    if (mime->hasImage()) return true;
    for (const QString& type : encodedImageTypes())
        if (mime->hasFormat(type)) return true;
    const QList<QUrl> urls = mime->hasUrls() ? mime->urls() : urlsFromText(mime->text());
    return std::any_of(urls.begin(), urls.end(), [](const QUrl& url) {
        return (url.isLocalFile() && !url.toLocalFile().isEmpty()) || isWebUrl(url) ||
               url.toString().startsWith(QLatin1String("data:image/"), Qt::CaseInsensitive);
    });
}

DroppedContent readDroppedContent(const QMimeData* mime) {
    DroppedContent content;
    if (!mime) return content;
    const QList<QUrl> urls = mime->hasUrls() ? mime->urls() : urlsFromText(mime->text());
    QByteArray dataUrlImage;
    for (const QUrl& url : urls) {
        if (url.isLocalFile() && !url.toLocalFile().isEmpty())
            content.localPaths.append(url.toLocalFile());
        else if (isWebUrl(url))
            content.webUrls.append(url);
        else if (dataUrlImage.isEmpty())
            dataUrlImage = decodeDataUrl(url);
    }
    if (!content.localPaths.isEmpty()) return content;

    for (const QString& type : encodedImageTypes()) {
        if (!mime->hasFormat(type)) continue;
        content.imageBytes = mime->data(type);
        if (!content.imageBytes.isEmpty()) break;
    }
    if (content.imageBytes.isEmpty() && mime->hasImage())
        content.imageBytes = encodePng(qvariant_cast<QImage>(mime->imageData()));
    if (content.imageBytes.isEmpty()) content.imageBytes = dataUrlImage;
    if (!content.imageBytes.isEmpty() && !content.webUrls.isEmpty()) {
        // The links are where the image came from, not something else to classify.
        const QUrl source = content.webUrls.first();
        content.imageLabel = source.fileName().isEmpty() ? source.host() : source.fileName();
        content.webUrls.clear();
    }
    return content;
}

}  // namespace studio::widgets
