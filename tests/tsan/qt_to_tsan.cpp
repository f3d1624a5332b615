// Qt's hand-offs between threads, told to ThreadSanitizer (linked into the TSan test programs).
//
// Debian's Qt is not built with -fsanitize=thread, and Qt 6's mutexes wait on futexes, which TSan
// does not model: TSan sees neither a queued call reach the thread that runs it nor a thread-pool
// task reach its worker. Every result a worker hands to the GUI thread (STYLE.md 5: "results cross
// into Qt once, queued") then looks racy against the code that made it: 283 reports in
// gui_tst_inference_evaluation and gui_tst_training_doctor_view, each a write on a worker and a
// read on the GUI thread with a queued call between them.
//
// Qt orders these by its own locks: posting an event takes the receiving thread's queue lock,
// which the receiving thread takes again before it delivers the event; QThreadPool::start takes
// the pool's lock, which the worker takes before it runs the task; a finished QFuture is reported
// under its lock before its watcher hears of it. The same edges, and only these, go to TSan here:
//   - QMetaObject::invokeMethodImpl (every QMetaObject::invokeMethod with a functor),
//     QFutureInterfaceBase::reportResultsReady and ::reportFinished release kPosted before Qt
//     posts; every event delivery (Qt's EventNotifyCallback, on any thread) acquires it first;
//   - QThreadPool::start releases kPooled; the task acquires it before it runs.
// These functions are called from Qt's header templates in our own code, so defining them here
// puts these wrappers in front of Qt's (dlvsym finds Qt's own, version Qt_6). What two workers do
// to each other, or a worker does after it posted, stays unordered and is still reported.

#include <QCoreApplication>
#include <QFutureInterface>
#include <QMetaObject>
#include <QRunnable>
#include <QThreadPool>

#include <dlfcn.h>
#include <sanitizer/tsan_interface.h>

#include <cstdio>
#include <cstdlib>
#include <functional>

namespace {

char kPosted;  // addresses only: TSan keeps a clock for each
char kPooled;

template <typename F>
F qtOwn(const char* mangled) {
    void* f = dlvsym(RTLD_NEXT, mangled, "Qt_6");
    if (!f) {
        std::fprintf(stderr, "qt_to_tsan: Qt's %s not found\n", mangled);
        std::abort();
    }
    return reinterpret_cast<F>(f);
}

bool acquirePosted(void**) {
    __tsan_acquire(&kPosted);
    return false;  // Qt delivers the event as usual
}

const bool registered = QInternal::registerCallback(QInternal::EventNotifyCallback, acquirePosted);

// Runs a pool task after acquiring what QThreadPool::start released; deletes it as the pool would.
// A QRunnable, not a std::function: the pool calls run() from Qt's own (unseen) code, so nothing
// of the wrapper is read on the worker before the acquire.
class AcquiringTask final : public QRunnable {
public:
    explicit AcquiringTask(QRunnable* task) : m_task(task) {}
    explicit AcquiringTask(std::function<void()> f) : m_function(std::move(f)) {}
    void run() override {
        __tsan_acquire(&kPooled);
        if (!m_task) return m_function();
        const bool own = m_task->autoDelete();
        m_task->run();
        if (own) delete m_task;
    }

private:
    QRunnable* m_task = nullptr;
    std::function<void()> m_function;
};

using OwnStart = void (*)(QThreadPool*, QRunnable*, int);
OwnStart ownStart() {
    static const OwnStart own = qtOwn<OwnStart>("_ZN11QThreadPool5startEP9QRunnablei");
    return own;
}

}  // namespace

bool QMetaObject::invokeMethodImpl(QObject* object, QtPrivate::QSlotObjectBase* slot, Qt::ConnectionType type,
                                   void* ret) {
    using Own = bool (*)(QObject*, QtPrivate::QSlotObjectBase*, Qt::ConnectionType, void*);
    static const Own own = qtOwn<Own>("_ZN11QMetaObject16invokeMethodImplEP7QObjectPN9QtPrivate15QSlotObjectBaseEN2Qt14ConnectionTypeEPv");
    (void)registered;
    __tsan_release(&kPosted);
    return own(object, slot, type, ret);
}

void QFutureInterfaceBase::reportResultsReady(int beginIndex, int endIndex) {
    using Own = void (*)(QFutureInterfaceBase*, int, int);
    static const Own own = qtOwn<Own>("_ZN20QFutureInterfaceBase18reportResultsReadyEii");
    __tsan_release(&kPosted);
    own(this, beginIndex, endIndex);
}

void QFutureInterfaceBase::reportFinished() {
    using Own = void (*)(QFutureInterfaceBase*);
    static const Own own = qtOwn<Own>("_ZN20QFutureInterfaceBase14reportFinishedEv");
    __tsan_release(&kPosted);
    own(this);
}

void QThreadPool::start(QRunnable* runnable, int priority) {
    if (!runnable) return ownStart()(this, runnable, priority);
    auto* task = new AcquiringTask(runnable);  // made before the release, like everything it reads
    __tsan_release(&kPooled);
    ownStart()(this, task, priority);
}

void QThreadPool::start(std::function<void()> functionToRun, int priority) {
    auto* task = new AcquiringTask(std::move(functionToRun));
    __tsan_release(&kPooled);
    ownStart()(this, task, priority);
}
