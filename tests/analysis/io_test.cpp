// Tests for analysis/io: atomic file writes, JSON round trip and errors, CSV quoting.
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "analysis/io/atomic_file.hpp"
#include "analysis/io/csv.hpp"
#include "analysis/io/json.hpp"

namespace p2pcdn::analysis::io {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() /
            ("p2pcdn_io_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }
  std::size_t entries() const {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(path_)) ++n;
    return n;
  }

 private:
  static inline int counter_ = 0;
  fs::path path_;
};

TEST(AtomicFile, WritesWholeFileAndLeavesNoTemp) {
  TempDir dir;
  const fs::path p = dir.path() / "out.txt";
  write_file_atomic(p, "hello\nworld\n");
  EXPECT_EQ(read_file(p), "hello\nworld\n");
  EXPECT_EQ(dir.entries(), 1u);
  EXPECT_EQ(temp_path_for(p).filename().string(), "out.txt.tmp." + std::to_string(::getpid()));
  EXPECT_EQ(temp_path_for(p).parent_path(), dir.path());
}

TEST(AtomicFile, FailureMidWriteLeavesNoFileAndNoTemp) {
  TempDir dir;
  const fs::path p = dir.path() / "summary.json";
  EXPECT_THROW(write_file_atomic(p,
                                 [&](AtomicFile& f) {
                                   f.write("{\"partial\": ");
                                   // The temp exists while writing...
                                   EXPECT_TRUE(fs::exists(f.temp_path()));
                                   throw std::runtime_error("writer failed");
                                 }),
               std::runtime_error);
  EXPECT_FALSE(fs::exists(p));
  EXPECT_EQ(dir.entries(), 0u);  // ...and is gone afterwards.
}

TEST(AtomicFile, FailureKeepsThePreviousFileIntact) {
  TempDir dir;
  const fs::path p = dir.path() / "report.html";
  write_file_atomic(p, "old complete content");
  EXPECT_THROW(write_file_atomic(p,
                                 [](AtomicFile& f) {
                                   f.write("new half");
                                   throw std::runtime_error("boom");
                                 }),
               std::runtime_error);
  EXPECT_EQ(read_file(p), "old complete content");
  EXPECT_EQ(dir.entries(), 1u);
}

TEST(AtomicFile, MissingDirectoryThrowsWithPath) {
  TempDir dir;
  const fs::path p = dir.path() / "no_such_dir" / "x.csv";
  try {
    write_file_atomic(p, "a");
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("no_such_dir"), std::string::npos) << e.what();
  }
  EXPECT_EQ(dir.entries(), 0u);
}

TEST(AtomicFile, RenameFailureRemovesTemp) {
  TempDir dir;
  // The target is a non-empty directory: rename() must fail, the temp must go.
  const fs::path p = dir.path() / "target";
  fs::create_directories(p / "child");
  AtomicFile f(p);
  f.write("data");
  EXPECT_THROW(f.commit(), std::runtime_error);
  EXPECT_FALSE(fs::exists(temp_path_for(p)));
  EXPECT_TRUE(fs::is_directory(p));
}

TEST(AtomicFile, DestroyedWithoutCommitRemovesTemp) {
  TempDir dir;
  const fs::path p = dir.path() / "a.txt";
  {
    AtomicFile f(p);
    f.write("x");
  }
  EXPECT_EQ(dir.entries(), 0u);
}

TEST(Json, DumpIsDeterministicAndKeepsInsertionOrder) {
  Json o = Json::object();
  o.set("zeta", 1);
  o.set("alpha", 0.1);
  o.set("list", JsonArray{Json(1), Json(2.5), Json("x")});
  o.set("nested", JsonObject{{"b", Json(true)}, {"a", Json()}});
  o.set("zeta", 2);  // replaces in place
  EXPECT_EQ(dump(o, -1),
            R"({"zeta":2,"alpha":0.1,"list":[1,2.5,"x"],"nested":{"b":true,"a":null}})");
  EXPECT_EQ(dump(o), dump(o));
  EXPECT_EQ(dump(o, 2),
            "{\n  \"zeta\": 2,\n  \"alpha\": 0.1,\n  \"list\": [1, 2.5, \"x\"],\n"
            "  \"nested\": {\n    \"b\": true,\n    \"a\": null\n  }\n}\n");
}

TEST(Json, DoublesRoundTripExactly) {
  const double values[] = {0.1,    1.0 / 3.0, 1e-300, 123456789.123456789,   -2.5e21,
                           5e-324, 3.0,       0.0,    1.7976931348623157e308};
  for (const double v : values) {
    const Json back = parse_json(format_double(v));
    EXPECT_EQ(back.type(), Json::Type::kDouble) << format_double(v);
    EXPECT_EQ(back.as_double(), v) << format_double(v);
  }
  EXPECT_EQ(format_double(3.0), "3.0");
  EXPECT_EQ(format_double(0.1), "0.1");
}

TEST(Json, NonFiniteBecomesNull) {
  EXPECT_EQ(dump(Json(std::nan("")), -1), "null");
  EXPECT_EQ(dump(Json(std::numeric_limits<double>::infinity()), -1), "null");
}

TEST(Json, LargeIntegersStayExact) {
  const std::uint64_t big = 9'007'199'254'740'993ULL;  // 2^53 + 1, not a double
  const Json back = parse_json(dump(Json(big), -1));
  EXPECT_EQ(back.type(), Json::Type::kInt);
  EXPECT_EQ(back.as_int(), 9'007'199'254'740'993LL);
  // (void) makes it an expression: clang reads `Json(T::max())` as declaring a variable.
  EXPECT_THROW((void)Json(std::numeric_limits<std::uint64_t>::max()), std::range_error);
}

TEST(Json, StringEscapingRoundTrips) {
  const std::string s = std::string("quote\" backslash\\ nl\n tab\t ctl\x01 utf8 \xc3\xa9 end");
  const std::string text = dump(Json(s), -1);
  EXPECT_EQ(text.find('\n'), std::string::npos);
  EXPECT_NE(text.find("\\u0001"), std::string::npos);
  EXPECT_EQ(parse_json(text).as_string(), s);
  EXPECT_EQ(parse_json(R"("\u00e9\ud83d\ude00\/")").as_string(), "\xc3\xa9\xf0\x9f\x98\x80/");
}

TEST(Json, FullRoundTrip) {
  Json o = Json::object();
  o.set("scenario", "scenarios/smoke.yaml");
  o.set("seed", 42);
  o.set("offload", 0.734);
  o.set("partial", false);
  o.set("nothing", nullptr);
  o.set("neg", -17);
  o.set("series", JsonArray{Json(0.5), Json(-1e-5), Json(1e300)});
  Json inner = Json::object();
  inner.set("k", JsonArray{Json::object(), Json::array()});
  o.set("inner", inner);
  const Json back = parse_json(dump(o));
  EXPECT_EQ(back, o);
  EXPECT_EQ(dump(back), dump(o));
}

TEST(Json, ErrorsCarryLineAndColumn) {
  try {
    parse_json("{\n  \"a\": 1,\n  \"b\": tru\n}");
    FAIL();
  } catch (const JsonParseError& e) {
    EXPECT_EQ(e.line(), 3);
    EXPECT_EQ(e.column(), 8);
    EXPECT_NE(std::string(e.what()).find("3:8"), std::string::npos) << e.what();
  }
  const char* bad[] = {"",          "{",     "[1,]",        "{\"a\":1,}",
                       "01",        "1.",    "-",           "\"abc",
                       "{\"a\" 1}", "[1 2]", "nul",         "\"\\x\"",
                       "1 2",       "{1:2}", "\"\\ud800\"", "{\"a\":1,\"a\":2}"};
  for (const char* text : bad) {
    EXPECT_THROW(parse_json(text), JsonParseError) << text;
  }
  std::string deep(300, '[');
  EXPECT_THROW(parse_json(deep), JsonParseError);
}

TEST(Json, TypedAccessErrors) {
  const Json v = parse_json(R"({"a": "x", "n": 3})");
  EXPECT_THROW(v.at("a").as_double(), std::runtime_error);
  EXPECT_THROW(v.at("missing"), std::runtime_error);
  EXPECT_EQ(v.at("n").as_double(), 3.0);
  EXPECT_EQ(v.find("missing"), nullptr);
}

TEST(Csv, QuotesOnlyWhenNeeded) {
  EXPECT_EQ(csv_field("plain"), "plain");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csv_field("cr\r"), "\"cr\r\"");
  EXPECT_EQ(csv_field(""), "");
}

TEST(Csv, RowsAndNumbers) {
  CsvWriter w;
  w.row({"t_s", "name"});
  w.field(0.5).field(std::int64_t{-3}).field(std::uint64_t{18'000'000'000'000'000'000ULL});
  w.field(std::nan("")).field("x,y");
  w.end_row();
  EXPECT_EQ(w.str(), "t_s,name\n0.5,-3,18000000000000000000,,\"x,y\"\n");
}

}  // namespace
}  // namespace p2pcdn::analysis::io
