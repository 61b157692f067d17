package com.coinstream.graphql;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On a String argument or input field: text a person types, checked by the {@link InputGate} before any service sees it
 * ({@link com.coinstream.domain.Text#personTextProblem}). A String without this annotation is held to the default:
 * 0-{@value InputGate#DEFAULT_MAX_LENGTH} characters on one line.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT })
public @interface PersonText {
    /** Fewest characters (1: required and not blank). */
    int min() default 1;

    /** Most characters, as a person counts them; {@link #UNBOUNDED} for a document bounded only by the request's size. */
    int max();

    /** Whether line breaks and tabs are allowed. */
    boolean multiline() default false;

    int UNBOUNDED = Integer.MAX_VALUE;
}
