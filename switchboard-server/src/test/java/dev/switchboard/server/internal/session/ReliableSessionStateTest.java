package dev.switchboard.server.internal.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.ErrorCode;
import dev.switchboard.core.config.ReliableConfig;
import dev.switchboard.core.json.Json;
import dev.switchboard.core.model.CloseCause;
import dev.switchboard.core.model.ClosedBy;
import dev.switchboard.core.model.Message;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One session's numbering, replay buffer, parking and resume checks, without sockets. */
class ReliableSessionStateTest {
    private static final long SECOND = 1_000_000_000L;
    private static final CloseCause DROPPED = new CloseCause(1006, "", ClosedBy.CLIENT);

    private final ReliableSession session = new ReliableSession(
            "n.s1", ReliableConfig.withWindow(Duration.ofSeconds(30)).withReplayLimits(3, 1000, Duration.ofMinutes(1)));

    private static List<String> texts(List<Message> frames) {
        return frames.stream().map(Message::text).toList();
    }

    private String token() throws Exception {
        return Json.mapper().readTree(session.welcome().payload()).path("token").asText();
    }

    @Test
    void messagesBeforeTheWelcomeWaitForItAndLaterOnesGoOutInOrder() throws Exception {
        assertThat(session.store(Message.text("a"), 0)).isEqualTo(ReliableSession.Stored.HELD);
        String token = token();
        assertThat(token).hasSize(43);
        assertThat(session.store(Message.text("b"), 0)).isEqualTo(ReliableSession.Stored.SEND);
        assertThat(session.requestFlush()).isTrue();
        assertThat(session.requestFlush()).isFalse();

        assertThat(texts(session.unwritten())).containsExactly("1:a", "2:b");
        assertThat(session.unwritten()).isEmpty();
    }

    @Test
    void aParkedSessionQueuesAndReplaysWhatTheClientMissed() throws Exception {
        String token = token();
        session.store(Message.text("a"), 0);
        session.store(Message.text("b"), 0);
        session.unwritten();
        session.park(DROPPED, 0);
        assertThat(session.store(Message.text("c"), 0)).isEqualTo(ReliableSession.Stored.QUEUED);

        assertThat(session.check(token, 1)).isNull();
        Message resumed = session.resume(1);

        assertThat(Json.mapper().readTree(resumed.payload()).path("seq").asLong())
                .isEqualTo(3);
        assertThat(texts(session.unwritten())).containsExactly("2:b", "3:c");
        assertThat(session.isParked()).isFalse();
        assertThat(session.check(token, 3).code()).isEqualTo(ErrorCode.RESUME_TOKEN_REFUSED);
    }

    @Test
    void clientMessagesAreTakenOnceAndAcknowledged() throws Exception {
        token();
        assertThat(session.take(1)).isEqualTo(ReliableSession.Taken.NEW);
        assertThat(session.take(2)).isEqualTo(ReliableSession.Taken.NEW);
        assertThat(session.take(2)).isEqualTo(ReliableSession.Taken.DUPLICATE);
        assertThat(session.take(1)).isEqualTo(ReliableSession.Taken.DUPLICATE);
        assertThat(session.take(4)).as("3 was never sent").isEqualTo(ReliableSession.Taken.GAP);
        assertThat(session.lastClientId()).isEqualTo(2);
        assertThat(session.ackIfDue(false)).isNull();
        assertThat(session.ackIfDue(true).text()).isEqualTo("{\"type\":\"ack\",\"id\":2}");
        assertThat(session.ackIfDue(true)).isNull();
    }

    @Test
    void aResumeNeedingMessagesTheBufferDroppedIsAGap() throws Exception {
        String token = token();
        for (int i = 0; i < 5; i++) {
            session.store(Message.text("m" + i), 0);
        }
        session.park(DROPPED, 0);

        assertThat(session.check(token, 1).code()).isEqualTo(ErrorCode.RESUME_GAP);
        assertThat(session.check(token, 2)).isNull();
        assertThat(session.check(token, 6).code()).isEqualTo(ErrorCode.INVALID_FIELD);
    }

    @Test
    void acknowledgedMessagesLeaveTheBuffer() throws Exception {
        token();
        for (int i = 0; i < 3; i++) {
            session.store(Message.text("m" + i), 0);
        }
        session.acknowledged(3);
        session.store(Message.text("m3"), 0);

        assertThat(session.buffered()).isEqualTo(1);
    }

    @Test
    void theWindowRunsFromTheDropAndEndsWithTheDropsCause() throws Exception {
        token();
        session.park(DROPPED, 10 * SECOND);

        assertThat(session.sweep(39 * SECOND)).isNull();
        CloseCause expired = session.sweep(40 * SECOND);

        assertThat(expired).isEqualTo(new CloseCause(1006, "", ClosedBy.CLIENT, true));
    }

    @Test
    void messagesOlderThanTheAgeLimitLeaveTheBuffer() throws Exception {
        String token = token();
        session.store(Message.text("old"), 0);
        session.store(Message.text("new"), 61 * SECOND);

        session.sweep(61 * SECOND);

        assertThat(session.buffered()).isEqualTo(1);
        assertThat(session.check(token, 0).code()).isEqualTo(ErrorCode.RESUME_GAP);
    }

    @Test
    void anEndedSessionKeepsNothingMore() throws Exception {
        token();
        session.park(DROPPED, 0);
        assertThat(session.store(Message.text("a"), 0)).isEqualTo(ReliableSession.Stored.QUEUED);

        session.end();

        assertThat(session.store(Message.text("b"), 0)).isEqualTo(ReliableSession.Stored.ENDED);
        assertThat(session.lastSeq()).isEqualTo(1);
    }

    @Test
    void messagesThatLeaveTheReplayBufferBeforeTheyAreWrittenAreStillWritten() throws Exception {
        token();
        for (String text : List.of("a", "b", "c", "d", "e")) {
            assertThat(session.store(Message.text(text), 0)).isEqualTo(ReliableSession.Stored.SEND);
        }

        assertThat(texts(session.unwritten())).containsExactly("1:a", "2:b", "3:c", "4:d", "5:e");
        assertThat(session.buffered()).isEqualTo(3);
    }

    @Test
    void aParkedSessionWhoseBufferWouldLoseAnUnreceivedMessageEnds() throws Exception {
        token();
        session.park(DROPPED, 0);
        for (int i = 0; i < 3; i++) {
            assertThat(session.store(Message.text("q"), 0)).isEqualTo(ReliableSession.Stored.QUEUED);
        }

        assertThat(session.store(Message.text("one too many"), 0)).isEqualTo(ReliableSession.Stored.OVERFLOWED);
        assertThat(session.store(Message.text("later"), 0)).isEqualTo(ReliableSession.Stored.ENDED);
    }

    @Test
    void aSessionHandedOverResumesElsewhereWhereItLeftOff() throws Exception {
        String token = token();
        session.store(Message.text("a"), 0);
        session.store(Message.text("b"), 0);
        session.unwritten();
        session.take(1);
        session.take(2);
        session.park(DROPPED, 0);
        session.store(Message.text("c"), 0);

        ReliableSession.Snapshot snapshot = session.handOver();
        ReliableSession moved = ReliableSession.restore("n.s1", session.config(), snapshot, token, 5 * SECOND);

        assertThat(session.store(Message.text("late"), 0)).isEqualTo(ReliableSession.Stored.ENDED);
        assertThat(moved.isParked()).isTrue();
        assertThat(moved.check(token, 1)).isNull();
        var resumed = Json.mapper().readTree(moved.resume(1).payload());
        assertThat(resumed.path("ack").asLong()).isEqualTo(2);
        assertThat(resumed.path("seq").asLong()).isEqualTo(3);
        assertThat(texts(moved.unwritten())).containsExactly("2:b", "3:c");
        assertThat(moved.take(2)).isEqualTo(ReliableSession.Taken.DUPLICATE);
        assertThat(moved.take(3)).isEqualTo(ReliableSession.Taken.NEW);
        assertThat(moved.store(Message.text("d"), 0)).isEqualTo(ReliableSession.Stored.SEND);
        assertThat(texts(moved.unwritten())).containsExactly("4:d");
    }
}
