// libFuzzer target: a CSV table's bytes through the reader (with its default budgets), the
// dataset made from it and the rows a model of that dataset would predict. The first byte picks
// the header choice (bits 0-1) and the label column (bits 2-7: 0 = the last, else that number).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/data/csv_dataset.h"
#include "engine/data/preprocessing.h"
#include "engine/infer/table_predict.h"
#include "engine/io/csv_table.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    auto table = studio::parseCsv(text, "fuzzed.csv");
    if (!table.ok()) return 0;
    studio::CsvDatasetOptions options;
    const int header = data[0] & 3;
    options.header = header == 1   ? studio::CsvHeader::Present
                     : header == 2 ? studio::CsvHeader::Absent
                                   : studio::CsvHeader::Automatic;
    if (data[0] >> 2) options.labelColumn = std::to_string(data[0] >> 2);
    auto bundle = studio::csvDatasetFromTable(*table, "fuzzed.csv", options);
    if (!bundle.ok()) return 0;
    std::vector<int> all(static_cast<std::size_t>(bundle->pool.size()));
    for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<int>(i);
    const studio::Preprocessing p = studio::Preprocessing::fitted(bundle->pool, all);
    auto back = studio::Preprocessing::fromJson(p.toJson());
    if (!back.ok()) __builtin_trap();  // what the model file writes must load
    (void)studio::tableFeatureRows(*table, *back, "fuzzed.csv");
    return 0;
}
