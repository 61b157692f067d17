package com.coinstream.ledger;

import java.util.Objects;

/** Identifies an account: its owner (null for the platform), purpose and asset. */
public record AccountKey(String ownerId, AccountPurpose purpose, String asset) {

    public AccountKey {
        Objects.requireNonNull(purpose);
        Objects.requireNonNull(asset);
        if (purpose.platform() != (ownerId == null)) {
            throw new IllegalArgumentException("platform accounts have no owner; user accounts need one: " + purpose);
        }
    }

    public static AccountKey user(String ownerId, AccountPurpose purpose, String asset) {
        return new AccountKey(Objects.requireNonNull(ownerId), purpose, asset);
    }

    public static AccountKey platform(AccountPurpose purpose, String asset) {
        return new AccountKey(null, purpose, asset);
    }

    public static AccountKey wallet(String userId) {
        return user(userId, AccountPurpose.WALLET, Asset.COIN);
    }
}
