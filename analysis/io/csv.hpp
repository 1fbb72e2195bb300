// CSV writer with RFC 4180 quoting (fields containing a comma, a double quote,
// CR or LF are quoted, quotes doubled). Lines end with "\n". Builds a string;
// writing it to disk is the caller's job (use io::write_file_atomic).
#pragma once
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace p2pcdn::analysis::io {

// One field, quoted only when it has to be.
std::string csv_field(std::string_view s);

class CsvWriter {
 public:
  // Fields are appended to the current row; end_row() terminates it.
  CsvWriter& field(std::string_view s);
  CsvWriter& field(const char* s) { return field(std::string_view(s)); }
  CsvWriter& field(const std::string& s) { return field(std::string_view(s)); }
  CsvWriter& field(double v);  // shortest round-trip; NaN/inf become an empty field
  CsvWriter& field(std::int64_t v);
  CsvWriter& field(std::uint64_t v);
  CsvWriter& field(int v) { return field(static_cast<std::int64_t>(v)); }
  void end_row();
  void row(std::initializer_list<std::string_view> fields);
  void row(const std::vector<std::string>& fields);

  const std::string& str() const { return out_; }

 private:
  void sep();
  std::string out_;
  bool row_open_ = false;
};

}  // namespace p2pcdn::analysis::io
