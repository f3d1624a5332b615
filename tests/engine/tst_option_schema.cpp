// The option schema: one table that the CLI flags, the studio's form, project files, the run
// store and sweep spaces are generated from or checked against.

#include <QtTest>

#include <set>

#include "engine/nn/model_spec.h"
#include "engine/train/option_schema.h"
#include "engine/train/preset_options.h"
#include "engine/train/search_space.h"

using namespace studio;
using nlohmann::json;

class TestOptionSchema : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void presetsBringValidOptionsThatFlagsOverride() {
        for (const auto& preset : presetNames()) {
            const auto tuned = presetTrainingOptions(preset);
            QVERIFY2(!tuned.empty(), preset.c_str());
            auto normalized = normalizeOptions(tuned);
            QVERIFY2(normalized.ok(), preset.c_str());
            QVERIFY(trainConfigFromOptions(*normalized).ok());
        }
        QCOMPARE(presetTrainingOptions("my_spec.json"), nlohmann::json::object());
        const auto tuned = presetTrainingOptions("cnn-bn");
        const auto merged = withPresetOptions("cnn-bn", {{"epochs", 2}, {"seed", 9}});
        QCOMPARE(merged["epochs"].get<int>(), 2);                  // a given option wins
        QCOMPARE(merged["seed"].get<int>(), 9);
        QCOMPARE(merged["lr"], tuned["lr"]);                       // the rest are the preset's
        QVERIFY(merged["lr"] != defaultOptions()["lr"]);
    }
    void keysAreUniqueAndFlagsFollowKeys() {
        std::set<std::string> keys, flags;
        for (const OptionInfo& o : optionSchema()) {
            QVERIFY2(keys.insert(o.key).second, o.key.c_str());
            QVERIFY2(flags.insert(o.flag()).second, o.flag().c_str());
            QVERIFY(!o.help.empty() && !o.label.empty() && !o.group.empty());
            if (!o.fallback.is_null()) QVERIFY2(checkOption(o, o.fallback).ok(), o.key.c_str());
        }
        QCOMPARE(findOption("lr")->flag(), std::string("--lr"));
        QCOMPARE(findOption("val_split")->flag(), std::string("--val-split"));
        QCOMPARE(findOption("learning_rate")->key, std::string("lr"));  // older project files
    }

    void defaultsGiveTheEngineDefaults() {
        auto config = trainConfigFromOptions(json::object());
        QVERIFY(config.ok());
        const TrainConfig engine;
        QCOMPARE(config->epochs, engine.epochs);
        QCOMPARE(config->batchSize, engine.batchSize);
        QCOMPARE(config->shardSize, engine.shardSize);
        QCOMPARE(config->optimizer.kind, engine.optimizer.kind);
        QCOMPARE(config->schedule.baseLr, engine.schedule.baseLr);
        QCOMPARE(config->seed, engine.seed);
        QCOMPARE(config->validationFraction, engine.validationFraction);
        QCOMPARE(config->toJson()["optimizer"], engine.toJson()["optimizer"]);
    }

    void everyOptionReachesTheConfig() {
        // Each non-default value changes the config (or the model or data options): nothing in
        // the schema is silently ignored.
        const json defaults = trainConfigFromOptions(json::object())->toJson();
        for (const OptionInfo& o : optionSchema()) {
            if (o.scope != OptionInfo::Scope::Training && o.key != "val_split" && o.key != "test_split" &&
                o.key.rfind("aug_", 0) != 0)
                continue;
            json given = json::object();
            if (o.type == OptionInfo::Type::Boolean)
                given[o.key] = !o.fallback.get<bool>();
            else if (o.type == OptionInfo::Type::Choice)
                given[o.key] = o.choices.back() == o.fallback ? o.choices.front() : o.choices.back();
            else if (o.type == OptionInfo::Type::Integer)
                given[o.key] = o.fallback.get<long long>() + 1;
            else if (o.type == OptionInfo::Type::Path)
                given[o.key] = "teacher.tsmodel";
            else
                given[o.key] = (o.min + o.max) / 3;
            if (o.key == "epochs") given[o.key] = 5;
            if (o.key == "min_lr") given[o.key] = 0.0001;
            if (o.key == "gamma") given["schedule"] = "step";
            if (o.key == "decay_per_epoch") given["schedule"] = "exponential";
            if (o.key == "test_split" || o.key == "val_split") given[o.key] = 0.2;
            if (o.key == "warmup_epochs") given["epochs"] = 5;
            auto c = trainConfigFromOptions(given);
            QVERIFY2(c.ok(), (o.key + ": " + (c ? std::string() : c.error().what())).c_str());
            QVERIFY2(c->toJson() != defaults, o.key.c_str());
        }
    }

    void badOptionsNameTheOptionAndRange() {
        auto unknown = normalizeOptions(json{{"learnrate", 0.1}});
        QVERIFY(!unknown.ok());
        QVERIFY(unknown.error().message().find("learnrate") != std::string::npos);
        QVERIFY(unknown.error().hint().find("lr") != std::string::npos);
        auto range = normalizeOptions(json{{"lr", 50.0}});
        QVERIFY(!range.ok());
        QVERIFY(range.error().message().find("'lr' is 50 but must be between") != std::string::npos);
        auto choice = normalizeOptions(json{{"optimizer", "lion"}});
        QVERIFY(!choice.ok());
        QVERIFY(choice.error().message().find("adam") != std::string::npos);
        auto notWhole = normalizeOptions(json{{"epochs", 2.5}});
        QVERIFY(!notWhole.ok());
        auto cross = trainConfigFromOptions(json{{"epochs", 2}, {"warmup_epochs", 2}});
        QVERIFY(!cross.ok());
        QVERIFY(cross.error().message().find("warmup_epochs") != std::string::npos);
    }

    void differingOptionsInSchemaOrder() {
        const auto keys = differingOptions(
            {json{{"lr", 0.01}, {"epochs", 3}}, json{{"lr", 0.001}, {"epochs", 3}}, json{{"batch_size", 32}}});
        QCOMPARE(keys, (std::vector<std::string>{"epochs", "batch_size", "lr"}));
    }

    void searchSpaceIsCheckedAgainstTheSchema() {
        QVERIFY(SearchSpace::fromText(R"({"lr": {"log_uniform": [1e-4, 1e-2]}, "batch_size": [32, 64, 128],
                                          "optimizer": ["adam", "sgd"]})")
                    .ok());
        auto unknown = SearchSpace::fromText(R"({"lrate": [0.1]})");
        QVERIFY(!unknown.ok() && unknown.error().message().find("lrate") != std::string::npos);
        auto range = SearchSpace::fromText(R"({"lr": {"uniform": [0.001, 20]}})");
        QVERIFY(!range.ok() && range.error().message().find("'lr' is 20") != std::string::npos);
        QVERIFY(!SearchSpace::fromText("{}").ok());
        QVERIFY(!SearchSpace::fromText(R"({"batch_size": []})").ok());
        QVERIFY(!SearchSpace::fromText(R"({"lr": {"log_uniform": [0, 0.1]}})").ok());
        QVERIFY(!SearchSpace::fromText(R"({"optimizer": {"uniform": [0, 1]}})").ok());
        QVERIFY(!SearchSpace::fromText("/nonexistent/space.json").ok());
    }

    void gridAndSamplesAreDeterministic() {
        auto space = SearchSpace::fromText(R"({"lr": [0.1, 0.01], "batch_size": [32, 64]})");
        QVERIFY(space.ok());
        const auto grid = space->grid();
        QCOMPARE(grid.size(), std::size_t(4));
        QCOMPARE(grid[0], (json{{"batch_size", 32}, {"lr", 0.1}}));
        QCOMPARE(grid[3], (json{{"batch_size", 64}, {"lr", 0.01}}));
        auto ranged =
            SearchSpace::fromText(R"({"lr": {"log_uniform": [1e-4, 1e-2]}, "epochs": {"int_uniform": [2, 4]}})");
        QVERIFY(ranged.ok());
        std::set<long long> epochsSeen;
        for (int i = 0; i < 200; ++i) {
            const json p = ranged->sample(7, static_cast<std::uint64_t>(i));
            QCOMPARE(p, ranged->sample(7, static_cast<std::uint64_t>(i)));
            const double lr = p["lr"].get<double>();
            QVERIFY(lr >= 1e-4 && lr <= 1e-2);
            epochsSeen.insert(p["epochs"].get<long long>());
        }
        QCOMPARE(epochsSeen, (std::set<long long>{2, 3, 4}));
        QVERIFY(ranged->sample(7, 0) != ranged->sample(8, 0));
    }
};

QTEST_GUILESS_MAIN(TestOptionSchema)
#include "tst_option_schema.moc"
