#pragma once
// The run report's HTML (engine/report/report_html.h) printed to PDF through Qt: a QTextDocument
// laid out on A4 pages by QPdfWriter. QTextDocument does not fetch data: URIs by itself, so every
// inline PNG is decoded and registered as the document's resource under its own URI first.
// Reentrant: runs on a worker thread (QTextDocument and QPdfWriter need no GUI thread).

#include <QString>
#include <string>

class QTextDocument;

namespace studio::app {

/// The report as a document ready to print or draw (images registered). Caller owns it.
QTextDocument* reportDocument(const std::string& html);
/// Writes `html` as a PDF at `path` (atomically, QSaveFile). Returns the error text, or "" on success.
QString writeReportPdf(const std::string& html, const QString& path);

}  // namespace studio::app
