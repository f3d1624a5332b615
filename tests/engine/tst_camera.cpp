// Camera: opening a camera that is not there is an Error with a message and a hint, never a
// crash or a hang. (The build machines have no camera; where one exists, a frame is checked.)
// A video file goes through the same capture path, so frames are checked on every machine.

#include <QTest>

#include <chrono>
#include <filesystem>

#include "engine/data/camera.h"

#ifndef STUDIO_SOURCE_DIR
#error "STUDIO_SOURCE_DIR must be defined by the build"
#endif

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

    void videoFileGivesRgbFramesAndLoops() {
        // shapes-demo.avi: 24 frames of 96×96 (datasets/README.md); 30 grabs pass its end.
        const std::string path = STUDIO_SOURCE_DIR "/datasets/samples/shapes-demo.avi";
        auto camera = Camera::openVideoFile(path);
        QVERIFY2(camera.ok(), camera.ok() ? "" : camera.error().what().c_str());
        QCOMPARE(camera->device(), path);
        QCOMPARE(camera->index(), -1);
        std::vector<std::uint8_t> firstFrame;
        for (int i = 0; i < 30; ++i) {
            auto frame = camera->grab();
            QVERIFY2(frame.ok(), frame.ok() ? "" : frame.error().what().c_str());
            QCOMPARE(frame->channels, 3);
            QCOMPARE(frame->height, 96);
            QCOMPARE(frame->width, 96);
            if (i == 0) firstFrame = frame->chw;
            if (i == 24) QVERIFY2(frame->chw == firstFrame, "after its last frame the video starts again");
        }
    }

    void missingOrUnreadableVideoIsAnError() {
        auto missing = Camera::openVideoFile("/nonexistent/clip.avi");
        QVERIFY(!missing.ok());
        QCOMPARE(missing.error().kind(), Error::Kind::NotFound);
        QVERIFY(missing.error().message().find("/nonexistent/clip.avi") != std::string::npos);
        const std::string notVideo = STUDIO_SOURCE_DIR "/datasets/README.md";
        auto text = Camera::openVideoFile(notVideo);
        QVERIFY(!text.ok());
        QVERIFY2(text.error().message().find(notVideo) != std::string::npos, text.error().what().c_str());
    }
};

QTEST_APPLESS_MAIN(CameraTest)
#include "tst_camera.moc"
