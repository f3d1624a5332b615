#pragma once
// Running training-studio-cli ($STUDIO_CLI) as a script would, for the CLI tests.

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QString>
#include <QStringList>

struct Run {
    int exitCode = -1;  // -1: crashed or timed out
    QString out;
    QString err;
    QStringList errLines() const { return err.split('\n', Qt::SkipEmptyParts); }
    /// The last stdout line as JSON (what --json prints).
    QJsonObject lastJson() const {
        const QStringList lines = out.split('\n', Qt::SkipEmptyParts);
        return lines.isEmpty() ? QJsonObject{} : QJsonDocument::fromJson(lines.last().toUtf8()).object();
    }
};

inline Run cli(const QStringList& args, int timeoutMs = 300000) {
    QProcess p;
    p.start(qEnvironmentVariable("STUDIO_CLI"), args);
    Run r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        r.err = "timed out";
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}
