#pragma once
// DroppedContent: what a drag or the clipboard carries, sorted into what the inference panel can
// use — local files and folders, encoded image bytes (a browser drag or a copied picture), or
// web links the offline studio cannot fetch.

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>

class QImage;
class QMimeData;

namespace studio::widgets {

struct DroppedContent {
    QStringList localPaths;  ///< files and folders, in the order given (folders not expanded)
    QByteArray imageBytes;   ///< encoded image: the bytes as given (PNG, JPEG, …), or PNG from a QImage
    QString imageLabel;      ///< a title for imageBytes ("cat.jpg" from its web address); may be empty
    QList<QUrl> webUrls;     ///< links to other machines, when no image data came with them

    bool isEmpty() const { return localPaths.isEmpty() && imageBytes.isEmpty() && webUrls.isEmpty(); }
};

/// Reads `mime` (null gives an empty result). Local paths win over image data (a file manager
/// may add a preview); image data wins over links (a browser sends the image and its address;
/// the address becomes the label). Single-line text that is an http(s) link or an existing
/// absolute path counts as a link or a path; `data:image/…;base64,` links are decoded.
DroppedContent readDroppedContent(const QMimeData* mime);

/// Cheap check for drag enter/move (nothing is decoded or encoded): could readDroppedContent()
/// find anything in `mime`?
bool hasDroppableContent(const QMimeData* mime);

/// `image` as PNG bytes; empty for a null image.
QByteArray encodePng(const QImage& image);

}  // namespace studio::widgets
