// Ordered parallel output: workers fill a ring of chunk buffers, the calling
// thread drains them in chunk order.
#include "tools/catalog_gen/catalog_writer.h"

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "google/protobuf/arena.h"
#include "tools/catalog_gen/creator_io.h"

namespace microreach::catalog_gen {
namespace {

// Big enough to amortise locking and sink calls, small enough that a ring of
// them stays in a few tens of MB.
constexpr uint64_t kChunkSize = 2048;

// Per-thread scratch memory. Each record is built on an arena over a fixed
// block and the arena is reset after encoding it: a reused heap message
// would free and reallocate every sub-message on Clear(), which cost about
// a third of the generation time.
class Encoder {
 public:
  Encoder() : block_(kBlockBytes), arena_(ArenaOptionsFor(block_)) {}

  absl::Status EncodeChunk(const CatalogGenerator& generator, uint64_t first, uint64_t n,
                           OutputFormat format, std::string* out) {
    out->clear();
    for (uint64_t i = 0; i < n; ++i) {
      auto* creator = google::protobuf::Arena::CreateMessage<common::v1::Creator>(&arena_);
      generator.GenerateInto(first + i, creator);
      absl::Status status;
      if (format == OutputFormat::kBinary) {
        WriteCreator(*creator, out);
      } else {
        status = WriteCreatorJson(*creator, out);
      }
      arena_.Reset();
      if (!status.ok()) return status;
    }
    return absl::OkStatus();
  }

 private:
  // A record takes a few kB of arena; the block holds any of them.
  static constexpr size_t kBlockBytes = 256 << 10;

  static google::protobuf::ArenaOptions ArenaOptionsFor(std::vector<char>& block) {
    google::protobuf::ArenaOptions options;
    options.initial_block = block.data();
    options.initial_block_size = block.size();
    return options;
  }

  std::vector<char> block_;
  google::protobuf::Arena arena_;
};

}  // namespace

absl::Status WriteCatalog(const CatalogGenerator& generator, uint64_t start, uint64_t count,
                          OutputFormat format, int threads, ByteSink sink) {
  const uint64_t chunks = (count + kChunkSize - 1) / kChunkSize;
  auto chunk_first = [&](uint64_t k) { return start + k * kChunkSize; };
  auto chunk_size = [&](uint64_t k) { return std::min(kChunkSize, count - k * kChunkSize); };

  if (threads <= 1 || chunks <= 1) {
    Encoder encoder;
    std::string buffer;
    for (uint64_t k = 0; k < chunks; ++k) {
      if (absl::Status s =
              encoder.EncodeChunk(generator, chunk_first(k), chunk_size(k), format, &buffer);
          !s.ok()) {
        return s;
      }
      if (absl::Status s = sink(buffer); !s.ok()) return s;
    }
    return absl::OkStatus();
  }

  struct Slot {
    std::string data;
    absl::Status status;
    bool ready = false;
  };
  const uint64_t ring = 2 * static_cast<uint64_t>(threads);
  std::vector<Slot> slots(ring);
  absl::Mutex mu;
  uint64_t next_chunk = 0;  // next chunk a worker will claim
  uint64_t written = 0;     // chunks handed to the sink
  bool abort = false;

  auto worker = [&] {
    Encoder encoder;
    while (true) {
      uint64_t k;
      {
        absl::MutexLock lock(&mu);
        // A slot is free once the chunk that used it last has been written.
        auto can_claim = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
          return abort || next_chunk >= chunks || next_chunk < written + ring;
        };
        mu.Await(absl::Condition(&can_claim));
        if (abort || next_chunk >= chunks) return;
        k = next_chunk++;
      }
      // Only this worker touches the slot until it is marked ready.
      Slot& slot = slots[k % ring];
      absl::Status status =
          encoder.EncodeChunk(generator, chunk_first(k), chunk_size(k), format, &slot.data);
      absl::MutexLock lock(&mu);
      slot.status = std::move(status);
      slot.ready = true;
    }
  };
  std::vector<std::thread> workers;
  workers.reserve(static_cast<size_t>(threads));
  for (int i = 0; i < threads; ++i) workers.emplace_back(worker);

  absl::Status result;
  for (uint64_t k = 0; k < chunks && result.ok(); ++k) {
    Slot& slot = slots[k % ring];
    {
      absl::MutexLock lock(&mu);
      mu.Await(absl::Condition(&slot.ready));
      result = slot.status;
    }
    // The sink runs unlocked: workers keep filling the other slots.
    if (result.ok()) result = sink(slot.data);
    absl::MutexLock lock(&mu);
    slot.ready = false;
    written = k + 1;
    if (!result.ok()) abort = true;
  }
  for (auto& t : workers) t.join();
  return result;
}

}  // namespace microreach::catalog_gen
