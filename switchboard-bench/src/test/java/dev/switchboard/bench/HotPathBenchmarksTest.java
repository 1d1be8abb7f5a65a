package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.bench.jmh.EventEncodingBenchmark;
import dev.switchboard.bench.jmh.JournalBenchmark;
import dev.switchboard.bench.jmh.PushParsingBenchmark;
import dev.switchboard.bench.jmh.TransferReplyBenchmark;
import dev.switchboard.core.dialect.TransferOutcome;
import dev.switchboard.core.push.PushCommand;
import org.junit.jupiter.api.Test;

/** Calls each JMH benchmark method once, so a change in the code under test cannot break them unseen. */
class HotPathBenchmarksTest {
    @Test
    void everyBenchmarkProducesItsResult() throws Exception {
        EventEncodingBenchmark encoding = new EventEncodingBenchmark();
        encoding.setUp();
        assertThat(encoding.encodeToPooledBuffer()).isGreaterThan(64);
        assertThat(encoding.encodeToTreeForInProcess()
                        .path("websocket")
                        .path("data")
                        .asText())
                .hasSize(64);

        PushParsingBenchmark parsing = new PushParsingBenchmark();
        parsing.setUp();
        assertThat(parsing.parseSendToConnection()).isInstanceOf(PushCommand.Send.class);
        assertThat(parsing.parseSendToGroup()).isInstanceOf(PushCommand.Send.class);

        TransferReplyBenchmark replies = new TransferReplyBenchmark();
        replies.setUp();
        assertThat(replies.readHttpReply()).isInstanceOf(TransferOutcome.Delivered.class);
        assertThat(((TransferOutcome.Delivered) replies.echoInProcess()).reply())
                .isNotNull();

        JournalBenchmark journal = new JournalBenchmark();
        journal.batch = 64;
        journal.setUp();
        journal.recordAndForget(); // returns once the writer committed all 128 operations
        journal.tearDown();
    }
}
