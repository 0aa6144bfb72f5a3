import { BadRequestException } from '@nestjs/common';
import { IsDefined, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { ApiValidationPipe, DropsUnknownKeys } from './validation.pipe.js';

class Query {
  @IsString()
  @IsNotEmpty()
  @MaxLength(5)
  token: string;

  @IsDefined({ message: 'error-own-message' })
  @IsString()
  @MaxLength(5)
  named: string;
}

async function refusal(value: Record<string, unknown>): Promise<string> {
  try {
    await new ApiValidationPipe().transform(value, { type: 'query', metatype: Query });
  } catch (err) {
    expect(err).toBeInstanceOf(BadRequestException);
    return (err as BadRequestException).message;
  }
  throw new Error('accepted');
}

describe('ApiValidationPipe', () => {
  it('says a missing parameter is missing, whatever rule would fail first', async () => {
    expect(await refusal({ named: 'x' })).toBe("'token' is required");
  });

  it("keeps a DTO's own message for a missing parameter (the reference's words)", async () => {
    expect(await refusal({ token: 'x' })).toBe('error-own-message');
  });

  it('names what is wrong with a parameter that is there', async () => {
    expect(await refusal({ token: 'toolong', named: 'x' })).toBe("'token' must be shorter than or equal to 5 characters");
    expect(await refusal({ token: '', named: 'x' })).toBe("'token' should not be empty");
    expect(await refusal({ token: 'x', named: 'x', other: 1 })).toBe("unknown parameter 'other'");
  });

  it('refuses the keys class-transformer would drop without a word', async () => {
    for (const key of ['__proto__', 'constructor', 'toString', 'prototype']) {
      expect(await refusal(JSON.parse(`{"token": "x", "named": "x", ${JSON.stringify(key)}: "extra"}`))).toBe(`unknown parameter '${key}'`);
    }
  });
});

describe('ApiValidationPipe, per DTO and parameter', () => {
  @DropsUnknownKeys()
  class Lenient {
    @IsString()
    token: string;
  }

  it('drops the unknown keys of a DTO that DropsUnknownKeys, where a strict one refuses them', async () => {
    const pipe = new ApiValidationPipe();
    expect(await pipe.transform({ token: 'x', other: 1, constructor: 'y' }, { type: 'body', metatype: Lenient })).toEqual(Object.assign(new Lenient(), { token: 'x' }));
    expect(await refusal({ token: 'x', named: 'x', other: 1 })).toBe("unknown parameter 'other'");
  });

  it("passes the handler's own parameters (the caller's principal) as they are", async () => {
    const principal = { kind: 'agent', agentId: 'a', constructor: 'kept' };
    expect(await new ApiValidationPipe().transform(principal, { type: 'custom', metatype: Object })).toBe(principal);
  });
});
