#include "engine/train/training_doctor.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <variant>

namespace studio {

namespace {

std::string number(double v, int digits = 3) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*g", digits, v);
    return buf;
}

std::string percent(double fraction) {
    return std::to_string(static_cast<int>(std::lround(fraction * 100.0))) + "%";
}

}  // namespace

std::vector<TrainingAlert> TrainingDoctor::observe(const TrainingEvent& event) {
    std::vector<TrainingAlert> out;
    if (const auto* e = std::get_if<RunStarted>(&event)) onStarted(*e, out);
    if (const auto* e = std::get_if<BatchMetrics>(&event)) onBatch(*e, out);
    if (const auto* e = std::get_if<EpochMetrics>(&event)) onEpoch(*e, out);
    if (const auto* e = std::get_if<LayerHealth>(&event)) onHealth(*e, out);
    if (const auto* e = std::get_if<Failed>(&event)) onFailed(*e, out);
    return out;
}

bool TrainingDoctor::raise(std::vector<TrainingAlert>& out, TrainingAlert alert) {
    const std::string key = alert.layer.empty() ? alert.kind : alert.kind + ":" + alert.layer;
    if (!m_raised.insert(key).second) return false;
    out.push_back(std::move(alert));
    return true;
}

void TrainingDoctor::onStarted(const RunStarted& e, std::vector<TrainingAlert>& out) {
    *this = TrainingDoctor(m_limits);
    m_epoch = e.firstEpoch;
    m_step = e.firstStep;
    const auto& counts = e.trainClassCounts;
    if (counts.size() < 2) return;
    const auto most = std::max_element(counts.begin(), counts.end());
    const auto least = std::min_element(counts.begin(), counts.end());
    if (*most <= 0 || static_cast<double>(*most) < m_limits.imbalanceRatio * std::max(*least, 0)) return;
    auto name = [&](auto it) {
        const auto i = static_cast<std::size_t>(it - counts.begin());
        return i < e.classNames.size() ? "'" + e.classNames[i] + "'" : "class " + std::to_string(i);
    };
    const std::string ratio =
        *least > 0 ? std::to_string(static_cast<int>(std::lround(double(*most) / *least))) + ":1" : "∞:1";
    TrainingAlert a;
    a.kind = "imbalance";
    a.epoch = e.firstEpoch;
    a.step = e.firstStep;
    a.message = "Classes are imbalanced " + ratio + ": " + name(most) + " has " + std::to_string(*most) +
                " training samples, " + name(least) + " " + std::to_string(*least) + ".";
    a.suggestion = "Collect more samples of " + name(least) +
                   " or oversample the rare classes, and judge the model by per-class recall, not accuracy.";
    raise(out, std::move(a));
}

void TrainingDoctor::onBatch(const BatchMetrics& e, std::vector<TrainingAlert>& out) {
    m_epoch = e.epoch;
    m_step = e.step;
    m_learningRate = e.learningRate;
    if (!std::isfinite(e.loss)) {
        TrainingAlert a;
        a.kind = "diverging";
        a.epoch = e.epoch;
        a.step = e.step;
        a.message = "The loss is diverging: it became " + std::string(std::isnan(e.loss) ? "NaN" : "infinite") +
                    " at step " + std::to_string(e.step) + ".";
        a.suggestion = "Lower the learning rate (now " + number(e.learningRate) + "), e.g. to " +
                       number(e.learningRate / 10) + ", or clip gradients.";
        raise(out, std::move(a));
        return;
    }
    const double smoothed = m_smoothed.empty() ? e.loss
                                               : (1.0 - m_limits.lossSmoothing) * m_smoothed.back() +
                                                     m_limits.lossSmoothing * e.loss;
    m_smoothed.push_back(smoothed);
    m_rates.push_back(e.learningRate);
    const auto n = static_cast<int>(m_smoothed.size());
    if (n <= m_limits.warmupSteps) {
        // The first steps only set the lowest point: a loss that explodes at once is judged at step 11.
        if (n == 1 || smoothed < m_lowest) m_lowest = smoothed, m_lowestStep = e.step;
        return;
    }
    if (smoothed < m_lowest) m_lowest = smoothed, m_lowestStep = e.step;
    if (smoothed > m_limits.divergeFactor * m_lowest && smoothed > m_lowest + m_limits.divergeMargin) {
        TrainingAlert a;
        a.kind = "diverging";
        a.epoch = e.epoch;
        a.step = e.step;
        a.message = "The loss is diverging: its running mean rose from " + number(m_lowest) + " at step " +
                    std::to_string(m_lowestStep) + " to " + number(smoothed) + " at step " + std::to_string(e.step) +
                    ".";
        a.suggestion = "Lower the learning rate (now " + number(e.learningRate) + "), e.g. to " +
                       number(e.learningRate / 10) + ", or clip gradients.";
        raise(out, std::move(a));
    }
    const int window = m_limits.stallSteps;
    if (n > window) {
        const double then = m_smoothed[static_cast<std::size_t>(n - 1 - window)];
        const double rateThen = m_rates[static_cast<std::size_t>(n - 1 - window)];
        const bool warmingUp = e.learningRate > rateThen * 1.0001;
        if (!warmingUp && std::abs(smoothed - then) < m_limits.stallChange * then &&
            smoothed >= m_limits.stallOfStart * m_smoothed.front()) {
            TrainingAlert a;
            a.kind = "stalled";
            a.epoch = e.epoch;
            a.step = e.step;
            a.message = "The loss has not moved in " + std::to_string(window) + " steps: it is " + number(smoothed) +
                        ", where it started (" + number(m_smoothed.front()) + ").";
            a.suggestion = "Raise the learning rate (now " + number(e.learningRate) +
                           "), e.g. tenfold, or check that the labels match the inputs.";
            raise(out, std::move(a));
        }
    }
}

void TrainingDoctor::onEpoch(const EpochMetrics& e, std::vector<TrainingAlert>& out) {
    m_epoch = e.epoch;
    if (!std::isfinite(e.validationLoss)) return;
    m_epochs.push_back(e);
    std::size_t best = 0;
    for (std::size_t i = 1; i < m_epochs.size(); ++i)
        if (m_epochs[i].validationLoss < m_epochs[best].validationLoss) best = i;
    const EpochMetrics& b = m_epochs[best];
    const std::size_t since = m_epochs.size() - 1 - best;
    if (since < static_cast<std::size_t>(m_limits.overfitEpochs)) return;
    for (std::size_t i = best + 1; i < m_epochs.size(); ++i) {
        // Every epoch since the best: validation clearly worse, training still better than then.
        if (i + static_cast<std::size_t>(m_limits.overfitEpochs) >= m_epochs.size() &&
            (m_epochs[i].validationLoss < b.validationLoss * (1.0 + m_limits.overfitRise) ||
             m_epochs[i].validationLoss < b.validationLoss + m_limits.overfitMargin))
            return;
        if (!(m_epochs[i].trainLoss < b.trainLoss)) return;
    }
    TrainingAlert a;
    a.kind = "overfitting";
    a.epoch = m_epochs[best + 1].epoch;
    a.step = m_step;
    a.message = "Overfitting began at epoch " + std::to_string(a.epoch) + ": validation loss rose from " +
                number(b.validationLoss) + " (epoch " + std::to_string(b.epoch) + ") to " +
                number(e.validationLoss) + " while training loss fell from " + number(b.trainLoss) + " to " +
                number(e.trainLoss) + ".";
    a.suggestion = "Keep the weights of epoch " + std::to_string(b.epoch) +
                   " (early stopping, e.g. --patience 2), or add augmentation, dropout or weight decay.";
    raise(out, std::move(a));
}

void TrainingDoctor::onHealth(const LayerHealth& e, std::vector<TrainingAlert>& out) {
    // After a divergence the layers' state is its consequence, not another diagnosis.
    if (m_raised.count("diverging")) return;
    m_deadRunning.resize(e.layers.size(), 0);
    bool deadBelow = false;  // a dead layer starves the layers above it: only the lowest is named
    for (std::size_t l = 0; l < e.layers.size(); ++l) {
        const LayerHealthRow& row = e.layers[l];
        const bool dead = row.deadFraction >= m_limits.deadFraction;
        m_deadRunning[l] = dead ? m_deadRunning[l] + 1 : 0;
        const bool report = !deadBelow && m_deadRunning[l] >= m_limits.healthSamplesRunning;
        deadBelow = deadBelow || dead;
        if (!report) continue;
        TrainingAlert a;
        a.kind = "dead_units";
        a.epoch = e.epoch;
        a.step = e.step;
        a.layer = row.layer;
        a.message = "Layer " + row.layer + " is " + percent(row.deadFraction) +
                    " dead: its ReLU outputs 0 for every probe sample in " + percent(row.deadFraction) +
                    " of its units (step " + std::to_string(e.step) + ").";
        a.suggestion = "Lower the learning rate, put BatchNorm before the ReLU, or use LeakyReLU.";
        raise(out, std::move(a));
    }
    if (deadBelow) {  // dead units explain small gradients below them
        m_vanishRunning = 0;
        return;
    }

    // Layers 1..k (from the input) whose gradients are all far below the largest layer's.
    double largest = 0.0;
    std::size_t top = 0;
    for (std::size_t l = 0; l < e.layers.size(); ++l)
        if (e.layers[l].gradientNorm > largest) largest = e.layers[l].gradientNorm, top = l;
    std::size_t vanished = 0;
    // Exactly 0 is not vanishing but no gradient at all (a frozen or disconnected layer).
    while (largest > 0.0 && vanished < e.layers.size() && e.layers[vanished].gradientNorm > 0.0 &&
           e.layers[vanished].gradientNorm < m_limits.vanishRatio * largest)
        ++vanished;
    m_vanishRunning = vanished > 0 ? m_vanishRunning + 1 : 0;
    if (m_vanishRunning < m_limits.healthSamplesRunning) return;
    double worst = e.layers[0].gradientNorm;
    for (std::size_t l = 0; l < vanished; ++l) worst = std::max(worst, e.layers[l].gradientNorm);
    const std::string below = std::to_string(vanished + 1);
    TrainingAlert a;
    a.kind = "vanishing_gradients";
    a.epoch = e.epoch;
    a.step = e.step;
    a.layer = e.layers[std::min(vanished, e.layers.size() - 1)].layer;
    a.message = "Gradients vanish below layer " + below + " (" + a.layer + "): " +
                (vanished == 1 ? std::string("layer 1 gets") : "layers 1–" + std::to_string(vanished) + " get") +
                " gradient norms of at most " + number(worst) + " against " + number(largest) + " at " +
                e.layers[top].layer + ", so they hardly learn.";
    a.suggestion = "Use ReLU instead of sigmoid or tanh, add BatchNorm, or use fewer layers.";
    raise(out, std::move(a));
}

void TrainingDoctor::onFailed(const Failed& e, std::vector<TrainingAlert>& out) {
    if (e.error.kind() != Error::Kind::Numerical) return;
    TrainingAlert a;
    a.kind = "diverging";
    a.epoch = m_epoch;
    a.step = m_step;
    std::string what = e.error.message();
    if (!what.empty()) what[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(what[0])));
    a.message = "The loss is diverging: " + what;
    a.suggestion = m_learningRate > 0 ? "Lower the learning rate, e.g. to " + number(m_learningRate / 10) +
                                            ", or clip gradients."
                                      : "Lower the learning rate or clip gradients.";
    raise(out, std::move(a));
}

}  // namespace studio
