/** Tests of the release archive and of the deployment files, as an operator uses them. */
@NullMarked
package dev.switchboard.dist;

import org.jspecify.annotations.NullMarked;
