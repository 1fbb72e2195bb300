// CSV writer (RFC 4180 quoting).
#include "analysis/io/csv.hpp"

#include <charconv>
#include <cmath>

namespace p2pcdn::analysis::io {

std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

void CsvWriter::sep() {
  if (row_open_) out_ += ',';
  row_open_ = true;
}

CsvWriter& CsvWriter::field(std::string_view s) {
  sep();
  out_ += csv_field(s);
  return *this;
}

CsvWriter& CsvWriter::field(double v) {
  sep();
  if (std::isfinite(v)) {
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, r.ptr);
  }
  return *this;
}

CsvWriter& CsvWriter::field(std::int64_t v) {
  sep();
  out_ += std::to_string(v);
  return *this;
}

CsvWriter& CsvWriter::field(std::uint64_t v) {
  sep();
  out_ += std::to_string(v);
  return *this;
}

void CsvWriter::end_row() {
  out_ += '\n';
  row_open_ = false;
}

void CsvWriter::row(std::initializer_list<std::string_view> fields) {
  for (const auto f : fields) field(f);
  end_row();
}

void CsvWriter::row(const std::vector<std::string>& fields) {
  for (const auto& f : fields) field(std::string_view(f));
  end_row();
}

}  // namespace p2pcdn::analysis::io
