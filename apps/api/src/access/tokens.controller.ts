import { createTokenSchema, type TokenView } from '@bulkhead/contracts';
import { createToken, type TokenCrypto, type TokenRecord, type TokenStore } from '@bulkhead/access';
import { AppError } from '@bulkhead/contracts';
import { Controller, Delete, Get, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Audited } from '../http/audit.interceptor';
import { RequireRole } from '../http/auth.guard';
import { parseBody, UuidPipe } from '../http/body';
import type { BulkheadRequest } from '../http/request-context';
import { TOKEN_CRYPTO, TOKEN_STORE } from '../stores.providers';

const toView = (t: TokenRecord): TokenView => ({
  id: t.id,
  name: t.name,
  role: t.role,
  prefix: t.prefix,
  owner: t.owner,
  createdAt: t.createdAt.toISOString(),
  expiresAt: t.expiresAt?.toISOString() ?? null,
  lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
  revokedAt: t.revokedAt?.toISOString() ?? null,
});

@ApiTags('tokens')
@ApiBearerAuth()
@Controller('api/v1/tokens')
export class TokensController {
  constructor(
    @Inject(TOKEN_STORE) private readonly tokens: TokenStore,
    @Inject(TOKEN_CRYPTO) private readonly crypto: TokenCrypto,
  ) {}

  @Get()
  @RequireRole('admin')
  async list(): Promise<TokenView[]> {
    return (await this.tokens.list()).map(toView);
  }

  /**
   * The only answer that ever contains the token: store it now. The token acts for the caller's
   * user: the signed-in user, or the owner of the token that asks.
   */
  @Post()
  @Audited('token.create', (_req, r) => {
    const made = r as TokenView;
    return { target: made.name, details: { role: made.role, owner: made.owner.username, expiresAt: made.expiresAt } };
  })
  @RequireRole('admin')
  @ApiBody({ schema: z.toJSONSchema(createTokenSchema) as object })
  async create(@Req() req: BulkheadRequest): Promise<TokenView & { token: string }> {
    const body = parseBody(req, createTokenSchema);
    const { record, token } = await createToken(
      this.tokens,
      this.crypto,
      { name: body.name, role: body.role, ownerId: req.caller!.userId, expiresAt: body.expiresAt ? new Date(body.expiresAt) : null },
      new Date(),
    );
    return { ...toView(record), token };
  }

  @Delete(':tokenId')
  @HttpCode(204)
  @Audited('token.revoke', (req) => ({ target: String(req.params.tokenId) }))
  @RequireRole('admin')
  async revoke(@Param('tokenId', UuidPipe) id: string): Promise<void> {
    if (!(await this.tokens.revoke(id, new Date()))) throw AppError.notFound('token', id);
  }
}
