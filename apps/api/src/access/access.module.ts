import { Module } from '@nestjs/common';
import { AuthController } from './auth.controller';
import { TokensController } from './tokens.controller';

/** Sign-in, users and API tokens. Its stores come from AppModule, which provides them to every feature. */
@Module({ controllers: [AuthController, TokensController] })
export class AccessModule {}
