// Stand-ins for the MLX internals that ring.cpp uses, so that ring.cpp can stay as close to the
// seed as possible. Each piece names what it replaces.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <queue>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "half_types.h"

namespace mlx::core {

// DEVIATION (replaces mlx/dtype.h): the dtypes the ring backend switches on, as a plain enum.
enum Dtype {
  bool_,
  int8,
  int16,
  int32,
  int64,
  uint8,
  uint16,
  uint32,
  uint64,
  bfloat16,
  float16,
  float32,
  float64,
  complex64,
};

inline size_t size_of(Dtype t) {
  switch (t) {
    case bool_:
    case int8:
    case uint8:
      return 1;
    case int16:
    case uint16:
    case bfloat16:
    case float16:
      return 2;
    case int32:
    case uint32:
    case float32:
      return 4;
    case int64:
    case uint64:
    case float64:
    case complex64:
      return 8;
  }
  return 0;
}

// DEVIATION (replaces mlx::core::array): a non-owning view of `size` contiguous elements of
// `dtype` at `data`, with the four accessors ring.cpp calls.
class array {
 public:
  array(void* data, size_t size, Dtype dtype)
      : data_(data), size_(size), dtype_(dtype) {}

  template <typename T>
  T* data() {
    return static_cast<T*>(data_);
  }
  template <typename T>
  const T* data() const {
    return static_cast<const T*>(data_);
  }
  size_t size() const {
    return size_;
  }
  size_t nbytes() const {
    return size_ * size_of(dtype_);
  }
  Dtype dtype() const {
    return dtype_;
  }

 private:
  void* data_;
  size_t size_;
  Dtype dtype_;
};

// DEVIATION (replaces mlx::core::Stream): carries nothing; the work runs on the caller's thread.
struct Stream {};

namespace cpu {
// DEVIATION (replaces mlx/backend/cpu/encoder.h): MLX's encoder queues the task on the stream's
// thread and the caller's eval() waits for it; here dispatch() runs it at once, which is the same
// order of events as seen from the wire.
struct CommandEncoder {
  void set_input_array(const array&) {}
  void set_output_array(const array&) {}
  template <typename F>
  void dispatch(F&& f) {
    f();
  }
};
inline CommandEncoder& get_command_encoder(Stream) {
  static thread_local CommandEncoder encoder;
  return encoder;
}
} // namespace cpu

// DEVIATION (replaces mlx/threadpool.h): the same small pool (a task queue served by N threads,
// enqueue() returning a future, resize()) written out here.
class ThreadPool {
 public:
  explicit ThreadPool(size_t threads) : stop_(false) {
    start_threads(threads);
  }
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;
  ~ThreadPool() {
    stop_and_wait();
  }

  template <class F, class... Args>
  auto enqueue(F&& f, Args&&... args)
      -> std::future<std::invoke_result_t<F, Args...>> {
    using return_type = std::invoke_result_t<F, Args...>;
    auto task = std::make_shared<std::packaged_task<return_type()>>(
        std::bind(std::forward<F>(f), std::forward<Args>(args)...));
    std::future<return_type> res = task->get_future();
    {
      std::unique_lock<std::mutex> lock(queue_mutex_);
      if (stop_) {
        throw std::runtime_error(
            "[ThreadPool::enqueue] Not allowed on stopped ThreadPool");
      }
      tasks_.emplace([task]() { (*task)(); });
    }
    condition_.notify_one();
    return res;
  }

  void resize(size_t threads) {
    if (workers_.size() == threads) {
      return;
    }
    if (workers_.size() > threads) {
      stop_and_wait(threads);
    } else {
      start_threads(threads - workers_.size());
    }
  }

 private:
  void stop_and_wait(size_t start_index = 0) {
    {
      std::unique_lock<std::mutex> lock(queue_mutex_);
      stop_ = true;
    }
    condition_.notify_all();
    for (size_t i = start_index; i < workers_.size(); i++) {
      workers_[i].join();
    }
    workers_.erase(workers_.begin() + start_index, workers_.end());
    stop_ = false;
  }

  void start_threads(size_t n) {
    while (n-- > 0) {
      workers_.emplace_back([this] {
        while (true) {
          std::function<void()> task;
          {
            std::unique_lock<std::mutex> lock(queue_mutex_);
            condition_.wait(
                lock, [this] { return stop_ || !tasks_.empty(); });
            if (stop_ && tasks_.empty()) {
              return;
            }
            task = std::move(tasks_.front());
            tasks_.pop();
          }
          task();
        }
      });
    }
  }

  std::vector<std::thread> workers_;
  std::queue<std::function<void()>> tasks_;
  std::mutex queue_mutex_;
  std::condition_variable condition_;
  bool stop_;
};

namespace distributed::detail {
// DEVIATION (replaces mlx/distributed/distributed_impl.h): the abstract group, with the same
// virtual methods the ring backend overrides.
class GroupImpl {
 public:
  virtual ~GroupImpl() {}
  virtual int rank() = 0;
  virtual int size() = 0;
  virtual std::shared_ptr<GroupImpl> split(int color, int key = -1) = 0;
  virtual void all_sum(const array& input, array& output, Stream stream) = 0;
  virtual void all_gather(const array& input, array& output, Stream stream) = 0;
  virtual void send(const array& input, int dst, Stream stream) = 0;
  virtual void recv(array& out, int src, Stream stream) = 0;
  virtual void all_max(const array& input, array& output, Stream stream) = 0;
  virtual void all_min(const array& input, array& output, Stream stream) = 0;
};
} // namespace distributed::detail

} // namespace mlx::core
