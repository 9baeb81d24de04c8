#include "StopSignals.h"

#include <ctime>
#include <pthread.h>

namespace mailrig::cli {

BlockedStopSignals::BlockedStopSignals() {
    sigemptyset(&_set);
    sigaddset(&_set, SIGINT);
    sigaddset(&_set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &_set, &_previous);
}

BlockedStopSignals::~BlockedStopSignals() {
    // A signal that came while the command was stopping is taken here: unblocked, it would kill
    // the process on its way out and turn a clean stop into exit status 130 or 143.
    timespec now{0, 0};
    while (sigtimedwait(&_set, nullptr, &now) > 0) {
    }
    pthread_sigmask(SIG_SETMASK, &_previous, nullptr);
}

int BlockedStopSignals::wait(std::chrono::milliseconds timeout) const {
    timespec ts{static_cast<time_t>(timeout.count() / 1000), static_cast<long>(timeout.count() % 1000) * 1000000};
    const int signal = sigtimedwait(&_set, nullptr, &ts);
    return signal > 0 ? signal : 0;
}

} // namespace mailrig::cli
