// A minimal blocking HTTP/1.0 GET over a plain socket, for tests and tools
// that scrape /metrics without pulling in an HTTP client library.
#ifndef MICROREACH_COMMON_METRICS_HTTP_GET_H_
#define MICROREACH_COMMON_METRICS_HTTP_GET_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace microreach::metrics {

struct HttpResponse {
  int status_code = 0;
  // Raw header block (without the status line), "Name: value" per line.
  std::string headers;
  std::string body;
};

// GETs http://host:port/path and reads the response until the server closes.
// Sends HTTP/1.0 with "Connection: close" so the body is never chunked.
// `timeout` bounds connect, each send and each receive.
// kUnavailable when the server cannot be reached, kDeadlineExceeded on a
// timeout, kDataLoss for a response that is not HTTP.
//
// Example:
//   absl::StatusOr<HttpResponse> r = HttpGet("127.0.0.1", server->port(), "/metrics");
//   if (r.ok() && r->status_code == 200) Parse(r->body);
absl::StatusOr<HttpResponse> HttpGet(absl::string_view host, int port, absl::string_view path,
                                     absl::Duration timeout = absl::Seconds(5));

}  // namespace microreach::metrics

#endif  // MICROREACH_COMMON_METRICS_HTTP_GET_H_
