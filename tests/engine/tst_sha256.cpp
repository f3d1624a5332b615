// SHA-256 against the FIPS 180-4 / NIST example vectors and Python's hashlib at the padding
// boundaries (55, 56, 63, 64, 65, 119, 120 bytes), in one piece and fed byte by byte.

#include <QTest>

#include <string>
#include <vector>

#include "engine/core/sha256.h"

using namespace studio;

class TestSha256 : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void nistVectors_data() {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QString>("expected");
        QTest::newRow("empty") << QByteArray() << "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        QTest::newRow("abc") << QByteArray("abc") << "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        QTest::newRow("448 bits") << QByteArray("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                                  << "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";
        QTest::newRow("896 bits")
            << QByteArray(
                   "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrs"
                   "mnopqrstnopqrstu")
            << "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1";
        QTest::newRow("million a") << QByteArray(1000000, 'a')
                                   << "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
        const struct {
            int n;
            const char* hex;
        } boundary[] = {{55, "e7313d333c272e639f790978283f9eb392e843d0f29b7016828bb1daa4aac70b"},
                        {56, "4324d65f3c103567f5589c710bc08f8523f929a9272e3af36fc968e52abc6c27"},
                        {63, "81c80242132f230c3bd41b3e63bbcff16107339549214a99614ff26664625055"},
                        {64, "39e3d7b6b5d075d37d053ad89b24b41bef4f3c29760c84447cab3f3be1882241"},
                        {65, "aacca6ff74fdbb296d165a45cecfa04e5127bc008770fbbdd48006f2d2fae95e"},
                        {119, "9ce7368e4daf32341631b492e80359dc9f594b48453cd0dd5bf0b19279cc177e"},
                        {120, "7836b787757e95e58b3ca5aec90b1b004e8deba1e50e9675af9cabf1a13a04b5"},
                        {1000, "1e9bc38cbf860b9ec31918b065f9b52476c549a782e0e7990bed8ce3868d2371"}};
        for (const auto& b : boundary) {
            QByteArray bytes;
            for (int i = 0; i < b.n; ++i) bytes.append(static_cast<char>((i * 7 + 3) % 256));
            QTest::newRow(qPrintable(QString("pattern %1").arg(b.n))) << bytes << b.hex;
        }
    }
    void nistVectors() {
        QFETCH(QByteArray, input);
        QFETCH(QString, expected);
        QCOMPARE(QString::fromStdString(Sha256::hex(input.constData(), static_cast<std::size_t>(input.size()))),
                 expected);
        if (input.size() <= 2000) {
            Sha256 h;
            for (char c : input) h.update(&c, 1);
            QCOMPARE(QString::fromStdString(h.hexDigest()), expected);
        }
        // Uneven pieces crossing block edges.
        Sha256 h;
        std::size_t at = 0, piece = 1;
        const auto n = static_cast<std::size_t>(input.size());
        while (at < n) {
            const std::size_t take = std::min(piece, n - at);
            h.update(input.constData() + at, take);
            at += take;
            piece = piece * 3 % 97 + 1;
        }
        QCOMPARE(QString::fromStdString(h.hexDigest()), expected);
    }
};

QTEST_APPLESS_MAIN(TestSha256)
#include "tst_sha256.moc"
