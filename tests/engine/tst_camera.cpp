// Camera: opening a camera that is not there is an Error with a message and a hint, never a
// crash or a hang. (The build machines have no camera; where one exists, a frame is checked.)

#include <QTest>

#include <chrono>
#include <filesystem>

#include "engine/data/camera.h"

using namespace studio;

class CameraTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void missingCameraIsAnError() {
        const auto start = std::chrono::steady_clock::now();
        auto camera = Camera::open(99);
        QVERIFY(!camera.ok());
        QCOMPARE(camera.error().kind(), Error::Kind::NotFound);
        QVERIFY2(camera.error().message().find("No camera found at /dev/video99") != std::string::npos,
                 camera.error().what().c_str());
        QVERIFY(!camera.error().hint().empty());
        QVERIFY(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
    }

    void negativeIndexIsAnError() {
        auto camera = Camera::open(-1);
        QVERIFY(!camera.ok());
        QCOMPARE(camera.error().kind(), Error::Kind::InvalidArgument);
        QVERIFY(camera.error().message().find("-1") != std::string::npos);
    }

    void firstCameraGivesRgbFrames() {
        if (!std::filesystem::exists("/dev/video0")) QSKIP("no /dev/video0 on this machine");
        auto camera = Camera::open(0);
        if (!camera.ok()) QSKIP(camera.error().what().c_str());  // present but busy: not our failure
        QCOMPARE(camera->device(), std::string("/dev/video0"));
        auto frame = camera->grab();
        QVERIFY2(frame.ok(), frame.ok() ? "" : frame.error().what().c_str());
        QCOMPARE(frame->channels, 3);
        QVERIFY(frame->height > 0 && frame->width > 0);
        QCOMPARE(frame->chw.size(), std::size_t(3) * frame->height * frame->width);
        Camera moved = std::move(*camera);  // the device moves with it
        QVERIFY(moved.grab().ok());
    }
};

QTEST_APPLESS_MAIN(CameraTest)
#include "tst_camera.moc"
