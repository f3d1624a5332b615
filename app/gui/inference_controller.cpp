#include "app/gui/inference_controller.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMetaObject>
#include <QPointer>

#include <chrono>
#include <new>

#include "app/gui/engine_conversions.h"
#include "engine/core/parallel.h"
#include "engine/data/camera.h"
#include "engine/infer/batch_predict.h"
#include "engine/infer/predictor.h"
#include "engine/infer/saliency.h"
#include "widgets/inference_panel.h"
#include "widgets/prediction_card.h"

namespace studio::app {

using widgets::ClassProbability;

struct InferenceController::CardResult {
    QImage thumbnail;
    QImage modelView;
    QString modelViewCaption;
    QList<ClassProbability> top;
    double microseconds = 0.0;
    QImage saliency;
    QString error;
    bool predicted = false;
};

namespace {

constexpr int kThumbnailPixels = 224;

/// What a card says while there is no model to predict it (rather than a "Predicting…" that
/// would never end).
QString noModelReason() {
    return InferenceController::tr("No model yet: train one or load a model file.");
}

QImage thumbnailOf(const DecodedImage& image) {
    QImage img = toQImage(image);
    if (img.width() > kThumbnailPixels || img.height() > kThumbnailPixels)
        img = img.scaled(kThumbnailPixels, kThumbnailPixels, Qt::KeepAspectRatio, Qt::SmoothTransformation);
    return img;
}

QList<ClassProbability> topList(const Prediction& p, const std::vector<std::string>& names) {
    QList<ClassProbability> out;
    for (const auto& [cls, prob] : p.top)
        out.append(
            {cls < int(names.size()) ? toQString(names[std::size_t(cls)]) : QString::number(cls), double(prob), cls});
    return out;
}

QString inputCaption(const Preprocessing& prep) {
    const Shape& s = prep.inputShape;
    if (s.size() != 3) return {};
    return QObject::tr("model input %1×%2 %3")
        .arg(s[2])
        .arg(s[1])
        .arg(s[0] == 1 ? QObject::tr("gray") : QObject::tr("colour"));
}

}  // namespace

InferenceController::InferenceController(widgets::InferencePanel* panel, QObject* parent)
    : QObject(parent), m_panel(panel) {
    m_pool.setMaxThreadCount(1);
    m_cameraTimer.setInterval(100);
    connect(&m_cameraTimer, &QTimer::timeout, this, &InferenceController::grabFrame);
    using widgets::InferencePanel;
    connect(panel, &InferencePanel::filesDropped, this, &InferenceController::addFiles);
    connect(panel, &InferencePanel::imageDataDropped, this, &InferenceController::addImageBytes);
    connect(panel, &InferencePanel::topKChanged, this, &InferenceController::rerunAll);
    connect(panel, &InferencePanel::saliencyToggled, this, &InferenceController::rerunAll);
    connect(panel, &InferencePanel::saliencyClassChanged, this, [this] {
        if (m_panel->isSaliencyOn()) rerunAll();
    });
    connect(panel, &InferencePanel::saliencyMethodChanged, this, [this] {
        if (m_panel->isSaliencyOn()) rerunAll();
    });
    connect(panel, &InferencePanel::cardRemoved, this, [this](int id) { m_sources.remove(id); });
    connect(panel, &InferencePanel::cleared, this, [this] { m_sources.clear(); });
    connect(panel, &InferencePanel::correctionRequested, this, &InferenceController::correct);
    connect(panel, &InferencePanel::loadModelRequested, this, &InferenceController::loadModelRequested);
    connect(panel, &InferencePanel::cameraToggled, this, &InferenceController::setCameraOn);
    connect(panel, &InferencePanel::classifyFolderRequested, this, [this] {
        const QString folder = QFileDialog::getExistingDirectory(m_panel, tr("Classify every image in a folder"));
        if (!folder.isEmpty()) classifyFolder(folder);
    });
    connect(panel, &InferencePanel::exportCsvRequested, this, &InferenceController::exportCsv);
    setModel(nullptr, false);
}

InferenceController::~InferenceController() {
    m_cameraTimer.stop();
    m_pool.waitForDone();
}

void InferenceController::setModel(SnapshotPtr model, bool training) {
    const bool changed = model != m_model;
    m_model = std::move(model);
    if (!m_model) {
        m_panel->setModelStatus(tr("No model yet — train one, or load a model file."), false);
        m_panel->setCorrectionEnabled(false, tr("Train or load a model first."));
    } else {
        QStringList names;
        for (const auto& n : m_model->classNames) names.append(toQString(n));
        if (names != m_panel->classNames()) m_panel->setClassNames(names);
        const QString name =
            m_model->model.spec().name.empty() ? tr("custom model") : toQString(m_model->model.spec().name);
        m_panel->setModelStatus(tr("Model: %1 on %2 · epoch %3%4")
                                    .arg(name, toQString(m_model->datasetName))
                                    .arg(m_model->epoch)
                                    .arg(training ? tr(" (training)") : QString()),
                                true);
        m_panel->setCorrectionEnabled(true);
    }
    if (changed) rerunAll();
}

void InferenceController::addFiles(const QStringList& paths) {
    int added = 0;
    QStringList files;
    for (const QString& path : paths) {
        if (QFileInfo(path).isDir()) {
            auto listed = listImageFiles(toStdString(path), true);
            if (!listed) {
                const int id = m_panel->addCard(QFileInfo(path).fileName(), path, {});
                m_panel->setCardError(id, errorText(listed.error()));
                continue;
            }
            for (const auto& f : *listed) files.append(toQString(f));
        } else {
            files.append(path);
        }
    }
    for (const QString& file : files) {
        if (added == kMaxCardsPerDrop) {
            const int id = m_panel->addCard(tr("%n more image(s)", nullptr, int(files.size()) - added), {}, {});
            m_panel->setCardError(id, tr("Only the first %1 images became cards. Use “Classify folder…” for a table of "
                                         "every image in a folder.")
                                          .arg(kMaxCardsPerDrop));
            break;
        }
        Source s;
        s.path = file;
        s.label = file;
        addCard(std::move(s), QFileInfo(file).fileName());
        ++added;
    }
}

void InferenceController::addImageBytes(const QByteArray& bytes, const QString& label) {
    if (bytes.size() > kMaxImageBytes) {
        const int id = m_panel->addCard(label, {}, {});
        m_panel->setCardError(id,
                              tr("%1 is %2 MiB of image data, more than the 64 MiB the studio accepts. Save it to a "
                                 "file and scale it down first.")
                                  .arg(label)
                                  .arg(bytes.size() >> 20));
        return;
    }
    Source s;
    s.bytes = bytes;
    s.label = label.isEmpty() ? tr("pasted image") : label;
    const QString title = s.label;
    addCard(std::move(s), title);
}

int InferenceController::addCard(Source source, const QString& title) {
    const int id = m_panel->addCard(title, source.path, {});
    source.sinceDrop.start();
    m_sources.insert(id, std::move(source));
    if (m_model)
        m_panel->setCardPending(id);
    else
        m_panel->setCardWaiting(id, noModelReason());
    run(id);
    return id;
}

void InferenceController::rerunAll() {
    for (int id : m_panel->cardIds()) {
        if (!m_sources.contains(id)) continue;
        // A card that waited for a model is busy now; one with an answer keeps it until the next.
        const widgets::PredictionCard* card = m_panel->card(id);
        if (m_model && card && card->state() == widgets::PredictionCard::State::Waiting) m_panel->setCardPending(id);
        run(id);
    }
}

void InferenceController::run(int cardId) {
    Source& source = m_sources[cardId];
    const quint64 generation = ++source.generation;
    const SnapshotPtr model = m_model;
    const bool saliency = m_panel->isSaliencyOn();
    const int saliencyClass = m_panel->saliencyClass();
    const SaliencyMethod method =
        m_panel->saliencyMethod() == QLatin1String("gradient") ? SaliencyMethod::Gradient : SaliencyMethod::Occlusion;
    const int topK = std::max(1, m_panel->topK());
    ++m_pending;
    QPointer<InferenceController> self(this);
    m_pool.start([self, cardId, generation, model, saliency, saliencyClass, method, topK, path = source.path,
                  bytes = source.bytes, label = source.label] {
        CardResult r;
        try {  // an exception escaping a pool thread would abort the studio
            std::vector<std::uint8_t> data(bytes.begin(), bytes.end());
            auto decoded =
                path.isEmpty() ? decodeImageBytes(data, toStdString(label)) : readImageFile(toStdString(path));
            if (!decoded) {
                r.error = errorText(decoded.error());
            } else {
                r.thumbnail = thumbnailOf(*decoded);
                if (model) {
                    auto view = modelView(model->preprocessing, *decoded);
                    auto x = prepareImage(model->preprocessing, *decoded);
                    if (!view || !x) {
                        r.error = errorText(view ? x.error() : view.error());
                    } else {
                        r.modelView = toQImage(*view);
                        r.modelViewCaption = inputCaption(model->preprocessing);
                        const Prediction p = predictPrepared(*model, *x, topK);
                        r.top = topList(p, model->classNames);
                        r.microseconds = p.microseconds;
                        r.predicted = true;
                        if (saliency) {
                            SaliencyOptions options;
                            options.targetClass = saliencyClass;
                            options.method = method;
                            auto map = computeSaliency(model->model, *x, options);
                            if (map) {
                                const SaliencyMap framed =
                                    mapToImageFrame(*map, model->preprocessing, decoded->height, decoded->width);
                                r.saliency =
                                    toQImage(heatmapOverlay(*decoded, framed.values, framed.height, framed.width));
                                if (r.saliency.width() > kThumbnailPixels || r.saliency.height() > kThumbnailPixels)
                                    r.saliency = r.saliency.scaled(kThumbnailPixels, kThumbnailPixels,
                                                                   Qt::KeepAspectRatio, Qt::SmoothTransformation);
                            } else {
                                r.error = errorText(map.error());
                            }
                        }
                    }
                }
            }
        } catch (const std::bad_alloc&) {
            r = CardResult();
            r.error = errorText(Error::io("Out of memory while predicting.", "Close other programs and retry."));
        }
        QMetaObject::invokeMethod(
            self,
            [self, cardId, generation, r] {
                if (!self) return;
                --self->m_pending;
                self->publish(cardId, generation, r);
            },
            Qt::QueuedConnection);
    });
}

void InferenceController::publish(int cardId, quint64 generation, const CardResult& r) {
    auto it = m_sources.find(cardId);
    if (it == m_sources.end() || it->generation != generation) return;  // removed, or a newer request is on its way
    if (!r.thumbnail.isNull()) m_panel->setCardThumbnail(cardId, r.thumbnail);
    if (!r.error.isEmpty()) {
        m_panel->setCardError(cardId, r.error);
        return;
    }
    if (!r.predicted) {  // decoded; no model yet
        m_panel->setCardWaiting(cardId, noModelReason());
        return;
    }
    m_panel->setCardPrediction(cardId, r.modelView, r.modelViewCaption, r.top, r.microseconds);
    if (!r.saliency.isNull()) m_panel->setCardSaliency(cardId, r.saliency);
    if (it->sinceDrop.isValid()) {
        m_lastDropToBarsMs = double(it->sinceDrop.nsecsElapsed()) / 1e6;
        it->sinceDrop.invalidate();
    }
}

void InferenceController::correct(int cardId, int classIndex) {
    if (!m_sources.contains(cardId)) return;
    const Source& s = m_sources[cardId];
    std::vector<std::uint8_t> data(s.bytes.begin(), s.bytes.end());
    auto decoded = s.path.isEmpty() ? decodeImageBytes(data, toStdString(s.label)) : readImageFile(toStdString(s.path));
    if (!decoded) {
        m_panel->setCardError(cardId, errorText(decoded.error()));
        return;
    }
    m_corrected = cardId;
    Q_EMIT correctionRequested(*decoded, s.path, classIndex);
}

void InferenceController::showCorrectionUnderWay() {
    if (m_sources.contains(m_corrected))
        m_panel->setCardWaiting(m_corrected, tr("Learning from your correction…"));
}

void InferenceController::classifyFolder(const QString& folder) {
    if (!m_model) {
        m_panel->showFolderResults(
            {{tr("(no model)"), {}, 0.0, tr("Train or load a model before classifying a folder.")}}, folder);
        return;
    }
    ++m_pending;
    QPointer<InferenceController> self(this);
    const SnapshotPtr model = m_model;
    m_pool.start([self, model, folder] {
        QList<widgets::FolderResultRow> rows;
        auto files = listImageFiles(toStdString(folder), true);
        if (!files) {
            rows.append({folder, {}, 0.0, errorText(files.error())});
        } else {
            ThreadPool pool(0);
            const QDir root(folder);
            for (const FileOutcome& o : classifyFiles(*model, *files, 1, &pool)) {
                widgets::FolderResultRow row;
                row.file = root.relativeFilePath(toQString(o.path));
                if (o.ok() && !o.prediction->top.empty()) {
                    const auto [cls, prob] = o.prediction->top.front();
                    row.predictedClass = toQString(model->classNames[std::size_t(cls)]);
                    row.confidence = double(prob);
                } else {
                    row.error = toQString(o.error);
                }
                rows.append(row);
            }
        }
        QMetaObject::invokeMethod(
            self,
            [self, rows, folder] {
                if (!self) return;
                --self->m_pending;
                self->m_panel->showFolderResults(rows, folder);
            },
            Qt::QueuedConnection);
    });
}

void InferenceController::exportCsv() {
    const QString path =
        QFileDialog::getSaveFileName(m_panel, tr("Export predictions"), "predictions.csv", tr("CSV files (*.csv)"));
    if (path.isEmpty()) return;
    QString error;
    if (!m_panel->folderResults()->writeCsv(path, &error)) {
        const int id = m_panel->addCard(QFileInfo(path).fileName(), path, {});
        m_panel->setCardError(id, tr("Could not write %1: %2. Choose a folder you can write to.").arg(path, error));
    }
}

void InferenceController::setCameraOn(bool on) {
    if (!on) {
        m_cameraTimer.stop();
        std::shared_ptr<Camera> camera = std::move(m_camera);
        m_pool.start([camera] {});  // released on the inference thread, after any grab in flight
        m_panel->setCameraOn(false);
        return;
    }
    m_panel->setCameraMessage(tr("Opening the camera…"));
    QPointer<InferenceController> self(this);
    m_pool.start([self, source = m_cameraSource] {
        bool isIndex = false;
        const int index = source.isEmpty() ? 0 : source.toInt(&isIndex);
        auto camera = source.isEmpty() || isIndex ? Camera::open(index) : Camera::openVideoFile(toStdString(source));
        std::shared_ptr<Camera> opened = camera ? std::make_shared<Camera>(std::move(*camera)) : nullptr;
        const QString error = camera ? QString() : errorText(camera.error());
        QMetaObject::invokeMethod(
            self,
            [self, opened, error] {
                if (!self) return;
                if (!opened) {
                    self->m_panel->setCameraOn(false);
                    self->m_panel->setCameraMessage(error);  // after: turning Camera off hides the view
                    return;
                }
                self->m_camera = opened;
                self->m_cameraTimer.start();
            },
            Qt::QueuedConnection);
    });
}

void InferenceController::grabFrame() {
    if (!m_camera || m_frameInFlight) return;
    m_frameInFlight = true;
    QPointer<InferenceController> self(this);
    m_pool.start([self, camera = m_camera, model = m_model, topK = std::max(1, m_panel->topK())] {
        auto frame = camera->grab();
        QImage image;
        QList<ClassProbability> top;
        QString error;
        if (!frame) {
            error = errorText(frame.error());
        } else {
            image = thumbnailOf(*frame);
            if (model)
                if (auto x = prepareImage(model->preprocessing, *frame))
                    top = topList(predictPrepared(*model, *x, topK), model->classNames);
        }
        QMetaObject::invokeMethod(
            self,
            [self, image, top, error] {
                if (!self) return;
                self->m_frameInFlight = false;
                if (!error.isEmpty()) {
                    self->m_cameraTimer.stop();
                    self->m_camera.reset();
                    self->m_panel->setCameraMessage(error);
                    return;
                }
                self->m_panel->setCameraFrame(image, top);
            },
            Qt::QueuedConnection);
    });
}

}  // namespace studio::app
