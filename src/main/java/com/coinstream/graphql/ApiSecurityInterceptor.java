package com.coinstream.graphql;

import com.coinstream.domain.ApiException;

import jakarta.annotation.Priority;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;

import org.eclipse.microprofile.jwt.JsonWebToken;

import com.coinstream.identity.ErasedAccounts;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.graphql.api.ErrorCode;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * Wraps the @RolesAllowed check (Quarkus runs it at priority PLATFORM_BEFORE + 150, inside this one) and
 * turns its message-less exceptions into clear errors with stable codes, instead of a masked "System error".
 */
@ApiSecurity
@Interceptor
@Priority(Interceptor.Priority.PLATFORM_BEFORE + 100)
public class ApiSecurityInterceptor {
    private final SecurityIdentity identity;
    private final CurrentIdentityAssociation association;
    private final ErasedAccounts erased;

    public ApiSecurityInterceptor(SecurityIdentity identity, CurrentIdentityAssociation association, ErasedAccounts erased) {
        this.identity = identity;
        this.association = association;
        this.erased = erased;
    }

    @AroundInvoke
    Object explain(InvocationContext ctx) throws Exception {
        if (ctx.getMethod().getReturnType() == Uni.class && !Infrastructure.canCallerThreadBeBlocked()) {
            // On the event loop the identity may still be on its way (a batched field's loader can run before it is): it
            // is checked when it comes, never waited for there (waiting threw, and the field answered INTERNAL). Quarkus'
            // own role check waits for it the same way.
            return association.getDeferredIdentity().onItem().transformToUni(who -> {
                if (erasedCaller(who)) {
                    return Uni.createFrom().failure(new Unauthenticated("This account has been erased; its tokens are no longer accepted"));
                }
                try {
                    return ((Uni<?>) ctx.proceed()).onFailure().transform(ApiSecurityInterceptor::translate);
                } catch (Exception e) {
                    return Uni.createFrom().failure(translate(e));
                }
            });
        }
        try {
            // A token is checked against erasure when it is verified, and that happens once per WebSocket connection: so
            // every operation checks again, wherever it came from (an erased person's open connection can do nothing).
            if (erasedCaller(identity)) {
                throw new Unauthenticated("This account has been erased; its tokens are no longer accepted");
            }
            Object result = ctx.proceed();
            if (result instanceof Uni<?> uni) {
                return uni.onFailure().transform(ApiSecurityInterceptor::translate);
            }
            if (result instanceof Multi<?> multi) {
                return multi.onFailure().transform(ApiSecurityInterceptor::translate);
            }
            return result;
        } catch (RuntimeException e) {
            throw (RuntimeException) translate(e);
        }
    }

    private boolean erasedCaller(SecurityIdentity who) {
        return !who.isAnonymous() && who.getPrincipal() instanceof JsonWebToken token && erased.isErased(token.getSubject());
    }

    static Throwable translate(Throwable e) {
        if (e instanceof UnauthorizedException || e instanceof AuthenticationFailedException) {
            return new Unauthenticated();
        }
        if (e instanceof ForbiddenException) {
            return new Forbidden();
        }
        return e;
    }

    @ErrorCode("UNAUTHENTICATED")
    public static class Unauthenticated extends ApiException {
        public Unauthenticated() {
            super("Authentication required: send a valid bearer token in the Authorization header");
        }

        public Unauthenticated(String message) {
            super(message);
        }
    }

    @ErrorCode("FORBIDDEN")
    public static class Forbidden extends ApiException {
        public Forbidden() {
            super("Your roles do not allow this operation");
        }
    }
}
