#include "app/gui/run_conversions.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "app/gui/engine_conversions.h"
#include "engine/train/option_schema.h"

namespace studio::app {

namespace {

double finiteOr(double v, double fallback) {
    return std::isfinite(v) ? v : fallback;
}

const OptionInfo* optionFor(const std::string& key) {
    return key == "model" ? nullptr : findOption(key);
}

}  // namespace

namespace {

// The options that can change a result: threads and checkpoints kept never do, so they are not
// columns to compare.
QVariantMap resultOptions(const nlohmann::json& options) {
    QVariantMap map = toVariant(options).toMap();
    for (const OptionInfo& o : optionSchema())
        if (o.scope == OptionInfo::Scope::Runtime) map.remove(toQString(o.key));
    return map;
}

}  // namespace

widgets::RunRow runRow(const RunRecord& r) {
    widgets::RunRow row;
    row.id = r.id;
    row.name = toQString(r.name);
    row.color = QColor(toQString(r.color));
    row.status = runStatusText(r.status);
    row.epochsDone = r.epochsDone;
    row.epochsPlanned = r.epochsPlanned;
    row.options = resultOptions(r.options);
    row.bestValAccuracy = r.bestValAccuracy;
    row.bestValLoss = r.bestValLoss;
    const nlohmann::json test = r.final.value("test_accuracy", nlohmann::json());
    row.testAccuracy = test.is_number() ? test.get<double>() : qQNaN();
    row.seconds = finiteOr(r.wallSeconds, 0);
    row.samplesPerSecond = finiteOr(r.samplesPerSecond, 0);
    row.sweepId = r.sweepId;
    row.parentId = r.parentRun;
    row.parentEpoch = r.parentEpoch;
    const nlohmann::json reason = r.final.value("stop_reason", nlohmann::json());
    if (reason.is_string() && reason.get<std::string>() != "completed")
        row.stopReason = toQString(reason.get<std::string>());
    row.host = toQString(r.host);
    row.worker = toQString(r.worker);
    return row;
}

QList<widgets::OptionColumn> optionColumns() {
    QList<widgets::OptionColumn> columns;
    for (const OptionInfo& o : optionSchema())
        columns.append({toQString(o.key), QObject::tr(o.label.c_str()), o.logScale});
    columns.append({"model", QObject::tr("Model"), false});
    // Result rows of Compare.
    columns.append({"status", QObject::tr("Status"), false});
    columns.append({"best_val_accuracy", QObject::tr("Best val accuracy"), false});
    columns.append({"best_val_loss", QObject::tr("Best val loss"), false});
    columns.append({"test_accuracy", QObject::tr("Test accuracy"), false});
    columns.append({"samples_per_s", QObject::tr("Samples/s"), false});
    return columns;
}

widgets::CompareRun compareRun(const RunRecord& r, const std::vector<EpochRecord>& epochs) {
    widgets::CompareRun c;
    c.id = r.id;
    c.name = toQString(r.name);
    c.color = QColor(toQString(r.color));
    c.options = resultOptions(r.options);
    c.options["model"] = toQString(r.model);
    c.metrics["status"] = QString(runStatusText(r.status));
    c.metrics["epochs"] = r.epochsDone;
    c.metrics["best_val_accuracy"] = r.bestValAccuracy;
    c.metrics["best_val_loss"] = r.bestValLoss;
    const nlohmann::json test = r.final.value("test_accuracy", nlohmann::json());
    c.metrics["test_accuracy"] = test.is_number() ? test.get<double>() : qQNaN();
    c.metrics["samples_per_s"] = std::round(finiteOr(r.samplesPerSecond, 0));
    for (const EpochRecord& e : epochs) {
        const double x = e.epoch;
        if (std::isfinite(e.trainLoss)) c.trainLoss.append({x, e.trainLoss});
        if (std::isfinite(e.valLoss)) c.valLoss.append({x, e.valLoss});
        if (std::isfinite(e.trainAccuracy)) c.trainAccuracy.append({x, e.trainAccuracy});
        if (std::isfinite(e.valAccuracy)) c.valAccuracy.append({x, e.valAccuracy});
    }
    return c;
}

SweepViewData sweepViewData(const SweepRecord& sweep, const std::vector<RunRecord>& trials,
                            const std::map<std::int64_t, std::vector<EpochRecord>>& curves) {
    SweepViewData d;
    widgets::SweepSummary& s = d.summary;
    s.id = sweep.id;
    s.name = toQString(sweep.name);
    const std::string strategy = sweep.settings.value("strategy", "");
    s.strategy = strategy == "asha" ? QObject::tr("successive halving") : toQString(strategy);
    s.status = toQString(sweep.status);
    s.trialsTotal = static_cast<int>(trials.size());
    for (const RunRecord& r : trials) {
        if (!isActive(r.status)) ++s.trialsDone;
        if (std::isfinite(r.bestValAccuracy) &&
            (!std::isfinite(s.bestValAccuracy) || r.bestValAccuracy > s.bestValAccuracy)) {
            s.bestValAccuracy = r.bestValAccuracy;
            s.bestRunId = r.id;
        }
    }
    // Rungs: how many trials reached each rung's epochs, and how many went past it.
    if (sweep.settings.contains("rungs") && sweep.settings["rungs"].is_array() && sweep.settings["rungs"].size() > 1) {
        const std::vector<int> rungs = sweep.settings["rungs"].get<std::vector<int>>();
        for (std::size_t k = 0; k < rungs.size(); ++k) {
            widgets::RungRow row;
            row.epochs = rungs[k];
            for (const RunRecord& r : trials) {
                if (r.epochsDone >= rungs[k]) {
                    ++row.trials;
                    // The validation accuracy the rung ranked by: at its epoch.
                    double atRung = qQNaN();
                    if (auto it = curves.find(r.id); it != curves.end())
                        for (const EpochRecord& e : it->second)
                            if (e.epoch == rungs[k]) atRung = e.valAccuracy;
                    if (std::isfinite(atRung) && (!std::isfinite(row.bestValAccuracy) || atRung > row.bestValAccuracy))
                        row.bestValAccuracy = atRung;
                }
                if (k + 1 < rungs.size() && r.epochsDone > rungs[k]) ++row.promoted;
            }
            s.rungs.append(row);
        }
    }
    // Best so far, in the order trials ended.
    std::vector<const RunRecord*> ended;
    for (const RunRecord& r : trials)
        if (!isActive(r.status)) ended.push_back(&r);
    std::sort(ended.begin(), ended.end(), [](auto* a, auto* b) { return a->heartbeatAt < b->heartbeatAt; });
    double best = -1;
    for (std::size_t i = 0; i < ended.size(); ++i) {
        best = std::max(best, finiteOr(ended[i]->bestValAccuracy, -1));
        if (best >= 0) s.bestSoFar.append({double(i + 1), best});
    }

    // Axes: the space's dimensions, then the metric.
    std::vector<std::string> keys;
    if (sweep.space.is_object())
        for (auto it = sweep.space.begin(); it != sweep.space.end(); ++it) keys.push_back(it.key());
    for (const std::string& key : keys) {
        widgets::ParallelAxis axis;
        axis.key = toQString(key);
        const OptionInfo* o = optionFor(key);
        axis.label = o ? QObject::tr(o->label.c_str()) : QObject::tr("Model");
        axis.logScale = o && o->logScale;
        axis.categorical = !o || !o->isNumeric();
        if (axis.categorical) {
            std::set<std::string> seen;
            for (const RunRecord& r : trials) {
                const nlohmann::json v =
                    key == "model" ? nlohmann::json(r.model) : r.options.value(key, nlohmann::json());
                const std::string text = v.is_string() ? v.get<std::string>() : v.dump();
                if (seen.insert(text).second) axis.categories.append(toQString(text));
            }
        }
        d.axes.append(axis);
        d.scatterX.append(axis);
    }
    widgets::ParallelAxis metric{"val_accuracy", QObject::tr("Validation accuracy"), false, false, {}};
    d.axes.append(metric);
    d.scatterY.append(metric);
    d.scatterY.append({"val_loss", QObject::tr("Validation loss"), false, false, {}});

    for (const RunRecord& r : trials) {
        widgets::ParallelLine line;
        line.id = r.id;
        line.color = QColor(toQString(r.color));
        widgets::ScatterPoint point;
        point.id = r.id;
        point.color = line.color;
        for (int i = 0; i < int(keys.size()); ++i) {
            const std::string& key = keys[std::size_t(i)];
            const nlohmann::json v = key == "model" ? nlohmann::json(r.model) : r.options.value(key, nlohmann::json());
            const widgets::ParallelAxis& axis = d.axes[i];
            if (axis.categorical) {
                const QString text = toQString(v.is_string() ? v.get<std::string>() : v.dump());
                line.values.append(axis.categories.indexOf(text));
                point.values[axis.key] = text;
            } else {
                const double x = v.is_number() ? v.get<double>() : qQNaN();
                line.values.append(x);
                point.values[axis.key] = x;
            }
        }
        line.values.append(r.bestValAccuracy);
        point.values["val_accuracy"] = r.bestValAccuracy;
        point.values["val_loss"] = r.bestValLoss;
        d.lines.append(line);
        d.points.append(point);
    }
    return d;
}

}  // namespace studio::app
