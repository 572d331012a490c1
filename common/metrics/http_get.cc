// HttpGet over POSIX sockets; the descriptor and addrinfo are released by
// scope guards on every path.
#include "common/metrics/http_get.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <unistd.h>

#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace microreach::metrics {
namespace {

// strerror() shares a static buffer between threads; the GNU strerror_r
// returns a pointer to either `buffer` or a static immutable string.
std::string ErrnoMessage(int error) {
  char buffer[128];
  return strerror_r(error, buffer, sizeof(buffer));
}

struct AddrInfoDeleter {
  void operator()(addrinfo* info) const { freeaddrinfo(info); }
};

int TimeoutMillis(absl::Duration timeout) {
  const int64_t ms = absl::ToInt64Milliseconds(timeout);
  return ms <= 0 ? 1 : static_cast<int>(ms > 600000 ? 600000 : ms);
}

// Non-blocking connect bounded by `timeout`; blocking connect() could hang
// for the kernel's SYN retry budget.
absl::Status ConnectWithTimeout(int fd, const addrinfo& addr, absl::Duration timeout) {
  const int flags = fcntl(fd, F_GETFL, 0);
  if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
    return absl::InternalError(absl::StrCat("fcntl: ", ErrnoMessage(errno)));
  }
  if (connect(fd, addr.ai_addr, addr.ai_addrlen) != 0) {
    if (errno != EINPROGRESS) {
      return absl::UnavailableError(absl::StrCat("connect: ", ErrnoMessage(errno)));
    }
    pollfd pfd = {.fd = fd, .events = POLLOUT, .revents = 0};
    const int ready = poll(&pfd, 1, TimeoutMillis(timeout));
    if (ready == 0) return absl::DeadlineExceededError("connect timed out");
    if (ready < 0) return absl::UnavailableError(absl::StrCat("poll: ", ErrnoMessage(errno)));
    int error = 0;
    socklen_t len = sizeof(error);
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) != 0 || error != 0) {
      return absl::UnavailableError(absl::StrCat("connect: ", ErrnoMessage(error)));
    }
  }
  if (fcntl(fd, F_SETFL, flags) < 0) {
    return absl::InternalError(absl::StrCat("fcntl: ", ErrnoMessage(errno)));
  }
  const timeval tv = absl::ToTimeval(timeout);
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  return absl::OkStatus();
}

absl::StatusOr<HttpResponse> ParseResponse(absl::string_view raw) {
  const size_t header_end = raw.find("\r\n\r\n");
  if (header_end == absl::string_view::npos) {
    return absl::DataLossError("HTTP response has no end of headers");
  }
  absl::string_view head = raw.substr(0, header_end);
  const size_t line_end = head.find("\r\n");
  const absl::string_view status_line = head.substr(0, line_end);
  // "HTTP/1.1 200 OK"
  const std::vector<absl::string_view> parts = absl::StrSplit(status_line, absl::MaxSplits(' ', 2));
  HttpResponse response;
  if (parts.size() < 2 || !absl::StartsWith(parts[0], "HTTP/") ||
      !absl::SimpleAtoi(parts[1], &response.status_code)) {
    return absl::DataLossError(absl::StrCat("bad HTTP status line: ", status_line));
  }
  if (line_end != absl::string_view::npos)
    response.headers = std::string(head.substr(line_end + 2));
  for (absl::string_view line : absl::StrSplit(response.headers, "\r\n")) {
    if (absl::StartsWithIgnoreCase(line, "transfer-encoding:") &&
        absl::StrContains(absl::AsciiStrToLower(line), "chunked")) {
      return absl::UnimplementedError("chunked HTTP responses are not supported");
    }
  }
  response.body = std::string(raw.substr(header_end + 4));
  return response;
}

// The declared body length once the header block is complete, if any. Needed
// because civetweb answers HTTP/1.0 with HTTP/1.1 and keeps the socket open
// for seconds, so waiting for EOF would make every scrape slow.
std::optional<size_t> ContentLength(absl::string_view raw) {
  const size_t header_end = raw.find("\r\n\r\n");
  if (header_end == absl::string_view::npos) return std::nullopt;
  for (absl::string_view line : absl::StrSplit(raw.substr(0, header_end), "\r\n")) {
    const std::string lower = absl::AsciiStrToLower(line);
    absl::string_view value = lower;
    size_t length = 0;
    if (absl::ConsumePrefix(&value, "content-length:") &&
        absl::SimpleAtoi(absl::StripAsciiWhitespace(value), &length)) {
      return length;
    }
  }
  return std::nullopt;
}

}  // namespace

absl::StatusOr<HttpResponse> HttpGet(absl::string_view host, int port, absl::string_view path,
                                     absl::Duration timeout) {
  addrinfo hints = {};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* raw_info = nullptr;
  const std::string host_str(host);
  const std::string port_str = absl::StrCat(port);
  if (const int rc = getaddrinfo(host_str.c_str(), port_str.c_str(), &hints, &raw_info); rc != 0) {
    return absl::UnavailableError(absl::StrCat("resolve ", host, ": ", gai_strerror(rc)));
  }
  std::unique_ptr<addrinfo, AddrInfoDeleter> info(raw_info);

  const int fd = socket(info->ai_family, info->ai_socktype | SOCK_CLOEXEC, info->ai_protocol);
  if (fd < 0) return absl::InternalError(absl::StrCat("socket: ", ErrnoMessage(errno)));
  absl::Cleanup close_fd = [fd] { close(fd); };
  if (absl::Status s = ConnectWithTimeout(fd, *info, timeout); !s.ok()) {
    return absl::Status(s.code(), absl::StrCat(host, ":", port, ": ", s.message()));
  }

  const std::string request = absl::StrCat("GET ", path, " HTTP/1.0\r\nHost: ", host, ":", port,
                                           "\r\nAccept: text/plain\r\nConnection: close\r\n\r\n");
  for (size_t sent = 0; sent < request.size();) {
    const ssize_t n = send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK)
        return absl::DeadlineExceededError("send timed out");
      return absl::UnavailableError(absl::StrCat("send: ", ErrnoMessage(errno)));
    }
    sent += static_cast<size_t>(n);
  }

  std::string raw;
  char buffer[16384];
  while (true) {
    const ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK)
        return absl::DeadlineExceededError("recv timed out");
      return absl::UnavailableError(absl::StrCat("recv: ", ErrnoMessage(errno)));
    }
    raw.append(buffer, static_cast<size_t>(n));
    if (const std::optional<size_t> length = ContentLength(raw);
        length.has_value() && raw.size() >= raw.find("\r\n\r\n") + 4 + *length) {
      break;
    }
  }
  return ParseResponse(raw);
}

}  // namespace microreach::metrics
