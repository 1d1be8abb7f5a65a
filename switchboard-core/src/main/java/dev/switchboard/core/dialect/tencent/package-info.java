/** The Tencent Cloud API Gateway WebSocket dialect: event, response and push formats. */
@NullMarked
package dev.switchboard.core.dialect.tencent;

import org.jspecify.annotations.NullMarked;
